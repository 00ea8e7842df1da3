"""Crisis language about what a patient has done or is about to do: the rows of ``patterns.PATTERNS`` for an overdose, a plan, the means, a method and command hallucinations.

Read on the squeezed word forms (normalise.py), written in ordinary spelling; each row says
what it is for.
"""

import followup.clinical.crisis_language.categories as c
from followup.clinical.crisis_language.fragments import (
    FIREARM,
    GOING_TO,
    HEIGHT,
    MANY,
    NOT_A_FIREARM,
    PILLS,
    ROUTINE,
    SELF,
    UNIT,
    WATER,
)

ROWS: tuple[tuple[str, str], ...] = (
    # --- An overdose taken or under way ---------------------------------------------------------
    (c.OVERDOSE, r"\bover\s*dos(?:e|ed|es|ing|in)?\b"),
    # "took 20 of my xanax", "swallowed like 30", "popped a handful": five or more of anything
    # that is not a unit, unless it is a routine dose ("6 pills every morning").
    (
        c.OVERDOSE,
        rf"\b(?:took|taken|taking|take|swallow\w*|popped|popping|pop|downed|downing|ate|eaten"
        rf"|chug\w*|had)\s+(?:like\s+|about\s+|around\s+|maybe\s+|over\s+|almost\s+|nearly\s+"
        rf"|at\s+least\s+|just\s+|all\s+of\s+)?{MANY}\b(?!\s+{UNIT}\b)(?!\s+(?:of\s+)?my\s+"
        rf"(?:time|life|energy|strength|courage))(?!{ROUTINE})"
        rf"(?:\s+(?:of\s+)?(?:my|the|his|her|those|these|them|mums?|moms?|dads?)\b|\s+{PILLS}"
        rf"|\s+[a-z]+\s+{PILLS}|\s*$|\s+(?:an?\s+)?(?:hour|hr|min|minutes)\w*\s+ago)",
    ),
    # "take all my pills", "took the whole bottle"; not "I take all my meds every day".
    (
        c.OVERDOSE,
        rf"\b(?:take|takes|took|taking|swallow\w*|downed|downing|pop|popped|popping|chug\w*)"
        rf"\s+(?:\w+\s+){{0,2}}?(?:all|every|whole|entire)\s+(?:of\s+)?(?:\w+\s+){{0,2}}?{PILLS}"
        rf"(?!\s+(?:as\s+prescribed|on\s+time|every\s+day|daily|each\s+day|with\s+food)\b)",
    ),
    (c.OVERDOSE, rf"\btoo\s+many\s+(?:\w+\s+){{0,2}}?{PILLS}"),
    (
        c.OVERDOSE,
        rf"\b(?:took|taken|had|swallowed|take|taking)\s+(?:way\s+)?too\s+much\s+(?:of\s+)?(?:my\s+)?(?:\w+\s+)?{PILLS}|\b(?:take|took|taking|swallow\w*)\s+(?:them|these|those)\s+all\b|\b(?:take|took|taking|swallow\w*)\s+all\s+of\s+(?:them|these|those)\b",
    ),  # "I took too many pills"
    # Pills with drink, the whole cabinet, an emptied bottle.
    (
        c.OVERDOSE,
        rf"\b{PILLS}\s+(?:\w+\s+){{0,2}}?(?:and|with|w)\s+(?:a\s+bottle\s+of\s+)?(?:vodka|whiskey"
        rf"|wine|alcohol|booze|beer|rum|gin|tequila)",
    ),
    (
        c.OVERDOSE,
        r"\b(?:took|swallowed|ate)\s+everything\s+in\s+the\s+(?:medicine\s+)?(?:cabinet|cupboard|drawer)",
    ),
    (c.OVERDOSE, rf"\bemptied\s+(?:the|my|a)\s+(?:\w+\s+)?{PILLS}"),
    # "finished off the klonopin bottle": the rest of a medicine, finished.
    (
        c.OVERDOSE,
        r"\b(?:finished|finishing|finish|polished)\s+(?:off\s+(?:the|my)\s+(?:whole\s+|last\s+of\s+"
        r"(?:the|my)\s+)?pills\b(?!\s+(?:course|prescription|as\s+prescribed))|(?:the|my)\s+(?:whole"
        r"\s+)?pills\s+(?:bottle|box|pack|strip|packet|blister))",
    ),
    # --- A plan, a time, a decision -------------------------------------------------------------
    # "I have a plan", "I've made a plan"; not "a plan for the weekend", "a plan to get better".
    (
        c.PLAN_INTENT,
        r"\b(?:i|ive|i\s+have|ive\s+got|i\s+got|i\s+made|made|have|got|i\s+already\s+have)\s+"
        r"(?:a|the|my)\s+plan\b(?!\s+(?:for|to|with|about|on|b|be|from|at|in\s+place\s+for)\b)",
    ),
    (
        c.PLAN_INTENT,
        r"\b(?:planned|planning)\s+(?:it|how|when|where|my\s+(?:death|exit|suicide|way\s+out))\b",
    ),
    (
        c.PLAN_INTENT,
        r"\b(?:i\s+know|figured\s+out|decided|worked\s+out|know\s+exactly)\s+(?:how|when|where)\b"
        r"(?!\s+(?:to\s+(?:get|find|use|reach|book|cook|fix|log|do\s+the)|the|my\s+appointment"
        r"|it\s+starts|we|you|they|my|the|our|your|its|is|i\s+(?:need|have|should|can))\b)",
    ),
    (
        c.PLAN_INTENT,
        r"\b(?:picked|set|chose|chosen|choose|got)\s+(?:a|the)\s+(?:day|date|spot|place|time)\b"
        r"(?!\s+(?:for|to)\b(?!\s+(?:myself|me|it|my\s+exit)\b))",
    ),
    (
        c.PLAN_INTENT,
        r"\b(?:tonights?|todays?|tomorrows?|this\s+weekend|fridays?|this)\s+(?:is\s+|s\s+)?the\s+(?:night|day)\b(?!\s+(?:of|for|i\s+start|we|my)\b)",
    ),
    # "it's time" said as an end: "its time.", "it's time for me to go"; not "time for my meds".
    (
        c.PLAN_INTENT,
        r"\b(?:its|it\s+is)\s+(?:finally\s+)?time\s*(?:\.|$)|\b(?:its|it\s+is)\s+time\s+(?:for\s+me\s+)?to\s+(?:go|end|say\s+goodbye|do\s+it|leave\s+this)\s*(?:now|forever|for\s+good)?\s*(?:\.|$)",
    ),
    (
        c.PLAN_INTENT,
        r"\b(?:go|going|went)\s+through\s+with\s+it\b|\bfinally\s+(?:gonna|going\s+to)\s+do\s+it\b|\bdoing\s+it\s+(?:tonight|today|this\s+weekend)\b",
    ),
    (
        c.PLAN_INTENT,
        r"\b(?:wont|will\s+not|not\s+going\s+to|not\s+gonna)\s+be\s+(?:here|around|alive)\s+(?:much\s+longer|anymore|any\s+more|for\s+long|tomorrow|by\s+(?:tomorrow|morning|monday|the\s+weekend)|next\s+week)",
    ),
    # "Kill myself tonight" stays kill_self (its category since the first version).
    (
        c.PLAN_INTENT,
        rf"\b{GOING_TO}\s+(?:do\s+it|end\s+it|die)\s+(?:tonight|today|tomorrow|this\s+weekend|soon|when|after|before|once|while)",
    ),
    # Not being there later: "I don't see myself around for Christmas", "won't make it through
    # the night".
    (
        c.PLAN_INTENT,
        r"\b(?:dont|do\s+not|cant|cannot)\s+(?:see\s+myself|think\s+(?:ill|i\s+will|i\s+can|im\s+going\s+to|im\s+gonna))\s+(?:be\s+|being\s+)?(?:around|here|alive|make\s+it|survive|last|living)\b(?!\s+(?:on|at|in\s+time|to\s+(?:the|my|work|class|school)|for\s+(?:the|my)\s+(?:appointment|session|meeting)))",
    ),
    (
        c.PLAN_INTENT,
        r"\b(?:wont|not\s+going\s+to|not\s+gonna)\s+be\s+(?:\w+\s+){0,5}?(?:much\s+longer|for\s+much\s+longer|for\s+long)\b",
    ),
    (
        c.PLAN_INTENT,
        r"\b(?:wont|not\s+going\s+to|not\s+gonna|dont\s+think\s+ill)\s+(?:make\s+it|survive|last)\s+(?:through\s+)?(?:the\s+night|tonight|the\s+weekend|much\s+longer|another\s+(?:day|night|week))",
    ),
    (
        c.PLAN_INTENT,
        r"\b(?:my|an)\s+exit\s+(?:plan|strategy)\b|\bplanning\s+my\s+(?:exit|death|suicide|way\s+out)",
    ),
    (
        c.PLAN_INTENT,
        r"\b(?:ive|i\s+have|i)\s+(?:finally\s+)?(?:decided|made\s+up\s+my\s+mind|made\s+my\s+decision)\s*(?:\.|$)|\b(?:im|i\s+am)\s+(?:going\s+to|gonna)\s+do\s+it\s*(?:\.|$)",
    ),
    (c.PLAN_INTENT, r"\bno\s+(?:turning|going)\s+back\s+(?:now|this\s+time)\b"),
    # --- Means and access: getting or keeping the means ----------------------------------------
    # Saving up or hiding medicines: "saving up my seroquel just in case".
    (
        c.MEANS_ACCESS,
        rf"\b(?:saving|saved|save|stockpil\w*|hoard\w*|stash\w*|collect\w*|squirrel\w*|hiding|hid|keeping|kept)\s+(?:up\s+|away\s+|back\s+)?(?:\w+\s+){{0,2}}?{PILLS}(?!\s+(?:in\s+the\s+(?:fridge|cabinet)|organi[sz]ed))",
    ),
    (
        c.MEANS_ACCESS,
        rf"\b{PILLS}\s+(?:\w+\s+){{0,4}}?just\s+in\s+case\b|\bjust\s+in\s+case\s+(?:\w+\s+){{0,3}}?{PILLS}",
    ),
    (c.MEANS_ACCESS, r"\bstockpil|\bstash\s+of\b"),
    # Pills kept ready or looked at: "60 pills saved up", "the pills ready", "enough pills".
    (
        c.MEANS_ACCESS,
        rf"\b{PILLS}\s+(?:\w+\s+){{0,2}}?(?:saved|stashed|hidden|set\s+aside|put\s+aside)\b|\b(?:have|got|put|laid|set)\s+(?:\w+\s+){{0,2}}?{PILLS}\s+ready\b|\b(?:looking|staring|stare|look|looked|stared)\s+at\s+(?:the|my|all\s+(?:the|my)|a)\s+(?:\w+\s+){{0,2}}?{PILLS}",
    ),
    (
        c.MEANS_ACCESS,
        rf"\b(?:have|got|bought|buy|buying|get|getting|ordered|gathered|collected)\s+(?:\w+\s+){{0,2}}?{MANY}\s+(?:of\s+)?(?:\w+\s+)?{PILLS}|\benough\s+(?:\w+\s+)?{PILLS}|\b{PILLS}\s+(?:\w+\s+){{0,3}}?to\s+have\s+enough\b|\bto\s+have\s+enough\b|\benough\s+(?:\w+\s+){{0,2}}?to\s+(?:do\s+it|die|kill|end\s+it|not\s+wake|od)\b",
    ),
    (
        c.MEANS_ACCESS,
        rf"\b(?:on|at|up\s+on)\s+(?:the|a|my)\s+(?:\w+\s+)?{HEIGHT}\b(?:\s+\w+){{0,6}}\s+(?:thinking|thought)\s+(?:about|of)\s+(?:it|jumping|ending|doing\s+it)",
    ),
    # Pills lined up or counted out: "all my pills lined up on the counter".
    (
        c.MEANS_ACCESS,
        rf"\b{PILLS}\s+(?:\w+\s+){{0,2}}?(?:lined|laid|spread|counted|set|sitting|poured)\s+(?:up|out)\b(?!\s+(?:in|into)\s+(?:the|my|a)\s+(?:weekly\s+|pill\s+)?(?:organi[sz]er|box|case|dispenser))|\b(?<!pharmacy )(?<!pharmacist )(?<!nurse )(?:lined|laid|counted|poured|set)\s+(?:up|out)\s+(?:\w+\s+){{0,3}}?{PILLS}",
    ),
    (c.MEANS_ACCESS, r"\bpill(?:\s+pill){2,}\b"),  # 💊💊💊
    # Looking up a lethal amount: "how many paracetamol would it take", "lethal dose".
    (
        c.MEANS_ACCESS,
        r"\bhow\s+(?:many|much)\s+(?:\w+\s+){0,4}?(?:(?:would|will)\s+it\s+take|it\s+(?:would|will|could)\s+take|it\s+takes\s+to\s+die)\b(?!\s+to\s+(?:get|heal|work|kick|feel|start|help|wear))",
    ),
    (
        c.MEANS_ACCESS,
        r"\bhow\s+(?:many|much)\s+(?:\w+\s+){0,5}?(?:to|would|will|could|can|does|it)\s+(?:\w+\s+){0,2}?(?:die|kill|od|overdose|be\s+(?:lethal|fatal|deadly)|not\s+wake|end\s+it|stop\s+my\s+heart)\b",
    ),
    (
        c.MEANS_ACCESS,
        r"\b(?:lethal|fatal|deadly|toxic|killing)\s+(?:dose|amount|overdose|quantity)|\b(?:is|are|be)\s+(?:\w+\s+)?(?:lethal|fatal)\b",
    ),
    # A rope or a noose: "bought a rope today"; not a jump rope or "at the end of my rope".
    (
        c.MEANS_ACCESS,
        r"\brope\b(?<!jump rope)(?<!skipping rope)(?!\s+(?:swing|course|bridge|them|him|her|off|light|lights|in\s+(?:some|a\s+few|help|more|volunteers|friends)))(?<!end of my rope)(?<!end of the rope)",
    ),
    (
        c.MEANS_ACCESS,
        r"\b(?:bought|got|have|found|tied|tie|tying|hung|hang|put\s+up)\s+(?:a|the|some|my)?\s*(?:\w+\s+)?(?:cord|belt|extension\s+cord|cable)\s+(?:to|from|on|around|over)\s+(?:the|a|my)\s+(?:beam|ceiling|rafter|door|closet|hook|tree|neck|railing|banister)",
    ),
    # A gun within reach: "dad's gun out of the safe", "bought a gun", "the gun is loaded".
    (
        c.MEANS_ACCESS,
        rf"\b(?:bought|buy|buying|got|get|getting|have|has|had|own|took|taking|holding|hold|loaded|load|loading|cleaning|found|grabbed|pulled|keep|keeps|kept|borrowed|borrow|sitting\s+with|know\s+where)\s+(?:\w+\s+){{0,3}}?{NOT_A_FIREARM}{FIREARM}\b(?!\s+(?:range|show|club|safety|license|licence|control|violence|laws?|shop|store)\b)",
    ),
    (
        c.MEANS_ACCESS,
        rf"\b{NOT_A_FIREARM}{FIREARM}\s+(?:\w+\s+){{0,3}}?(?:out\s+of|from)\s+(?:\w+\s+){{0,2}}?(?:safe|closet|drawer|case|lockbox|nightstand|cabinet|glovebox|truck)\b",
    ),
    (
        c.MEANS_ACCESS,
        rf"\b{NOT_A_FIREARM}{FIREARM}\s+(?:is\s+|s\s+)?(?:loaded|ready|in\s+my\s+(?:hand|mouth|lap)|next\s+to\s+me|beside\s+me|on\s+the\s+(?:table|bed|counter)|to\s+my|against\s+my)",
    ),
    (
        c.MEANS_ACCESS,
        rf"\b{NOT_A_FIREARM}{FIREARM}\s+(?:is\s+|s\s+)?in\s+(?:my|the|his|her)\s+(?:nightstand|drawer|closet|car|bag|purse|glovebox|room|bedroom|pocket|hand)\b|\bedge\s+of\s+the\s+(?:platform|tracks)\b|\bplatform\s+when\s+the\s+train|\b(?:bath|bathtub|tub)\b.*\b(?:razor|blade|knife)\b|\b(?:razor|blade|knife)\b.*\b(?:bath|bathtub|tub)\b",
    ),
    (c.MEANS_ACCESS, r"\bgun\s+(?:skull|coffin|grave|me)\b|\b(?:skull|coffin)\s+gun\b"),
    (
        c.WANT_TO_DIE,
        r"\b(?:coffin|grave)\s+(?:soon|me|for\s+me|tonight|please|i\s+hope|time)\b|\b(?:want|ready|need|wish|me|im)\s+(?:a\s+)?(?:coffin|grave)\b",
    ),  # ⚰️ 🪦  # 🔫💀, "🔫 me"
    # Knives and blades held or hidden, not cooked with.
    (
        c.MEANS_ACCESS,
        r"\b(?:razor\s*blades?|blades|box\s*cutter)\b|\b(?:sharpened|holding|hid|hiding|sharpening)\s+(?:a|the|my)\s+(?:\w+\s+)?(?:knife|blade|razor)\b|\bknife\s+(?:to|against|on)\s+my\s+(?:wrist|throat|arm|neck|chest|skin)",
    ),
    # Heights: standing on the bridge, the roof of the parking garage.
    (
        c.MEANS_ACCESS,
        rf"\b(?:standing|stood|sitting|sat|climbed|climbing|up|at|on|went|drove|walked|looking\s+down)\s+(?:on\s+|onto\s+|to\s+|at\s+|over\s+|from\s+)?(?:the\s+)?(?:edge|top|roof|side)\s+of\s+(?:the\s+|a\s+|my\s+)?(?:\w+\s+)?{HEIGHT}",
    ),
    (
        c.MEANS_ACCESS,
        r"\b(?:standing|stood|sitting|sat|climbed|climbing|perched)\s+(?:on|onto|over|at)\s+(?:the|a|this|that|my)\s+(?:\w+\s+)?(?:bridge|roof|rooftop|ledge|cliff|parking\s+(?:garage|structure|deck)|overpass|railing)\b",
    ),
    (
        c.MEANS_ACCESS,
        r"\b(?:im|i\s+am)\s+at\s+the\s+(?:bridge|cliff|cliffs|overpass|tracks|ledge)\b",
    ),
    (
        c.MEANS_ACCESS,
        rf"\b(?:im|i\s+am)\s+(?:on|at|up\s+on)\s+(?:the|a|this|that)\s+(?:\w+\s+)?{HEIGHT}\s*(?:now|rn|right\s+now|again)?\s*(?:\.|$)",
    ),
    (
        c.MEANS_ACCESS,
        rf"\bhow\s+(?:high|tall|far\s+down)\s+(?:is|are)\s+(?:the|that|this)\s+(?:\w+\s+)?{HEIGHT}|\bhigh\s+enough\s+to\b",
    ),
    # Cars and fumes: the engine running in the garage, charcoal in a closed room.
    (
        c.MEANS_ACCESS,
        r"\b(?:engine|car|motor)\s+(?:\w+\s+){0,3}?running\s+(?:\w+\s+){0,3}?(?:garage|closed|shut)|\bgarage\s+(?:\w+\s+){0,4}?(?:engine|motor|car)\s+(?:on|running)|\bcarbon\s+monoxide|\bexhaust\s+(?:pipe|fumes|hose)|\bhose\s+(?:to|from)\s+the\s+exhaust",
    ),
    (
        c.MEANS_ACCESS,
        r"\bcharcoal\s+(?:\w+\s+){0,3}?(?:room|tent|car|bathroom|bedroom|sealed|closed|inside)|\bcharcoal\s+and\s+(?:duct\s+)?tape|\b(?:bought|got|buy|have)\s+charcoal\b(?!\s+for\s+(?:the\s+)?(?:bbq|grill|barbecue))|\b(?:helium|nitrogen)\s+(?:tank|bag)|\bexit\s+bag\b",
    ),
    # Water: "walk into the ocean and not come back", rocks in the pockets.
    (
        c.MEANS_ACCESS,
        rf"\b(?:walk|walking|walked|swim|swimming|swam|wade|wading|go|going|drive|driving)\s+(?:\w+\s+)?(?:into|in|out\s+into|out\s+in|to)\s+(?:the|a)\s+{WATER}\s+(?:(?:\w+\s+){{0,3}}?(?:not|never|and\s+not|til|until|till|forever|no\s+coming)|(?:tonight|now|today|and\s+stay)\b)|\b(?:walk|walking|walked|swim|swimming|wade|wading)\s+(?:\w+\s+)?(?:into|out\s+into)\s+(?:the|a)\s+{WATER}\s*$",
    ),
    (c.MEANS_ACCESS, r"\b(?:rocks|stones)\s+in\s+my\s+pockets|\bpockets\s+with\s+(?:rocks|stones)"),
    (
        c.MEANS_ACCESS,
        r"\b(?:on|onto|to|near|by|at)\s+the\s+(?:train|railway|rail|subway)\s+(?:tracks|line|bridge)\b|\bon\s+the\s+tracks\b",
    ),
    (
        c.MEANS_ACCESS,
        r"\b(?:to|gonna|should|might|wanna|will|ill|just|i|could)\s+rope\b(?!\s+(?:in|off|them|him|her|into))",
    ),
    # --- A way of dying, said of oneself ---------------------------------------------------------
    (
        c.SUICIDE_METHOD,
        rf"\b(?:hang|hanged|hung|hanging|shoot|shot|shooting|stab|stabbing|drown|drowning|poison|poisoning|suffocate|suffocating|strangle|strangling|gas|neck|electrocute|starve|starving)\s*{SELF}",
    ),
    (
        c.SUICIDE_METHOD,
        r"\b(?:gonna|going\s+to|want\s+to|wanna|will|ill|might|about\s+to|could|should|im\s+going\s+to)\s+(?:just\s+)?jump\s*(?:\.|$|tonight|now|today)",
    ),
    (
        c.SUICIDE_METHOD,
        r"\b(?:walk|walking|walked|run|running|ran|step|stepping|stepped|throw\s+myself|throwing\s+myself)\s+(?:out\s+)?(?:into|in\s+front\s+of)\s+(?:the\s+|oncoming\s+|a\s+)?(?:traffic|car|bus|truck|train|lorry)",
    ),
    (c.SUICIDE_METHOD, r"\bblow\s+my\s+(?:brains?|head)\s+(?:out|off)"),
    (
        c.SUICIDE_METHOD,
        rf"\b{FIREARM}\s+(?:\w+\s+){{0,3}}?(?:my\s+(?:head|mouth|temple|brains?|chest|chin)|myself)",
    ),
    (
        c.SUICIDE_METHOD,
        r"\bjump(?:s|ed|ing)?\s+(?:of|from)\b(?!\s+(?:the\s+)?(?:couch|bed|sofa|chair|diving|joy|excitement|the\s+board))",
    ),
    (
        c.SUICIDE_METHOD,
        r"\bjump\w*\s+(?:from|out\s+of|out|of)\s+(?:a|the|my|an)\s+(?:\w+\s+)?(?:bridge|building|roof|rooftop|window|balcony|cliff|tower|ledge|overpass|floor|parking)",
    ),
    (
        c.SUICIDE_METHOD,
        r"\b(?:jump|step|walk|throw|lie|lay|run|get\s+hit|stand)\w*\s+(?:myself\s+)?(?:out\s+)?(?:in\s*front\s+of|under)\s+(?:a|an|the|some)\s+(?:\w+\s+)?(?:train|bus|truck|lorry|car|traffic|subway)",
    ),
    (
        c.SUICIDE_METHOD,
        r"\b(?<!car )(?<!truck )(?<!someone )(?<!he )(?<!she )(?<!they )(?:drive|driving|drove|crash|crashing|crashed|steer|swerve|swerving|run|running|ran|wreck|wrecking)\w*\s+(?:my\s+car\s+|the\s+car\s+|it\s+)?(?:into|of|of\s+of)\s+(?:a\s+|the\s+|an\s+)?(?:\w+\s+)?(?:tree|wall|bridge|cliff|river|lake|truck|oncoming|traffic|pole|barrier|road|highway|overpass|ditch)",
    ),
    (
        c.SUICIDE_METHOD,
        r"\b(?:think|thinking|thought|thoughts)\s+(?:about|of|abt)\s+(?:jumping|hanging|shooting|drowning|overdosing|crashing|stabbing|poisoning|gassing|slitting)\b",
    ),
    (
        c.SUICIDE_METHOD,
        r"\bcrash\w*\s+(?:my\s+car\s+)?on\s+purpose|\b(?:slit|cut)\s+my\s+(?:throat|wrists?)",
    ),
    # --- Command hallucinations ------------------------------------------------------------------
    (
        c.COMMAND_HALLUCINATION,
        r"\b(?:voices?|voice\s+in\s+my\s+head)\b(?!\s+(?:on\s+the\s+(?:phone|line|radio|tv|recording)|message|mail|assistant|over|note|memo))\s+(?:\w+\s+){0,3}?(?:tell|telling|told|tells|say|says|saying|said|want|wants|keep|command|order|scream|screaming|whisper|whispering|urging)\w*\b(?!\s+(?:hello|hi)\b)",
    ),
    (
        c.COMMAND_HALLUCINATION,
        r"\bhear(?:ing)?\s+(?:the\s+)?voices\b|\bthe\s+voices\s+(?:are|came|come|again|back|wont|in\s+my\s+head|getting)",
    ),
    (
        c.COMMAND_HALLUCINATION,
        r"\b(?:god|the\s+devil|satan|something|demons?|spirits?|a\s+voice|the\s+voice|it)\s+(?:is\s+|keeps?\s+)?(?:telling|told|tells|ordering|commanding|wants|want)\s+me\s+to\s+(?:\w+\s+){0,2}?(?:die|kill|hurt|harm|jump|cut|end|do\s+it|hang|drown|overdose|shoot|stab)\b",
    ),
)

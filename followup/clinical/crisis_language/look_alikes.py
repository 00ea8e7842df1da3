"""The look-alikes: messages that only look like crisis language, blanked before the concepts
(``evidence.py``) and the pattern tables (``patterns.py``) are read.

Each names another purpose or another person: a device that dies, a coffee one would die for,
killing time, a haircut, a routine dose, being done with the homework, grief for someone else,
a trip to the cliffs, rope for the clothesline, a documentary about suicide prevention. Written
in ordinary spelling, squeezed when compiled, as in ``evidence.py``.
"""

from followup.clinical.crisis_language.fragments import FIREARM

# What a hopeless word is about when it is about life, not a thing.
_NOT_A_THING = (
    r"(?:life|living|everything|myself|me|it\s+all|being|existing|trying|fighting|this\s+life"
    r"|going\s+on|anything|people|everyone|pretending|feeling|real|good|sure|now|ever|once"
    r"|own|whole|all)\b"
)
# --- Look-alikes, blanked before concepts are looked for --------------------------------------
OTHERS = (
    r"(?:mom|mum|mother|dad|father|grandma|grandpa|grandmother|grandfather|granny|nana|uncle"
    r"|aunt|aunty|brother|sister|cousin|friend|friends|neighbou?r|husband|wife|son|daughter"
    r"|dog|cat|pet|goldfish|fish|hamster|bird|plants?|plant|tree|flowers|grandparents|parents"
    r"|boss|coworker|colleague|patient|he|she|they|someone\s+(?:at|from)\s+\w+|celebrity|singer"
    r"|actor)"
)
BENIGN_IDIOMS: tuple[str, ...] = (
    # Devices, batteries, cars and plants that die, run dead or are killing it.
    r"\b(?:phone|battery|batteries|laptop|computer|car|charger|ipad|tv|fridge|printer|engine"
    r"|wifi|internet|signal|headphones|airpods|kindle|watch|iphone|cell|remote|bulb|lightbulb)"
    r"(?:\s+[\w.]+){0,6}?\s+(?:die|died|dies|dying|dead)\b",
    r"\b(?:dead|dying|flat)\s+(?:phone|battery|batteries|car|laptop|zone|end|link|line|weight)\b",
    r"\b(?:\d+|two|five|ten)\s+percent\b",
    # Wanting something so much ("I'd die for a coffee", "dying to see the kids").
    r"\b(?:die|died|dying|kill|killed|killing)\s+(?:for|to)\s+(?:a|an|some|my|the|see|try|know"
    r"|get|go|meet|have|hear|eat|watch|tell|hug|sleep|nap|start)\b",
    r"\bid\s+kill\s+for\b|\bcould\s+kill\s+for\b|\bto\s+die\s+for\b(?!\s+(?:weeks|days|months|years|ages|a\s+while|so\s+long|a\s+long))",
    # Laughing, boredom, embarrassment, tiredness.
    r"\b(?:died|dying|die|dead)\s+(?:of|from|laughing|laughter)\s*(?:laugh\w*|boredom"
    r"|embarrassment|thirst|hunger|cringe|heat|the\s+heat)?\b",
    r"\b(?:laughed|laughing|laugh)\s+(?:so\s+hard\s+)?(?:i\s+)?(?:nearly\s+|almost\s+)?"
    r"(?:died|to\s+death)\b|\bnearly\s+died\s+laughing\b|\bcould\s+have\s+died\b",
    r"\b(?:bored|scared|worried|tickled|sick|freezing|frozen)\s+(?:me\s+)?to\s+death\b",
    r"\bdead\s+(?:tired|serious|set|beat|on|wrong|right|quiet|last|center|centre|heat)\b",
    r"\bdeadlines?\b|\bdeadlift\w*\b|\bdead\s+end\s+job\b",
    # Doing well or passing time.
    r"\bkill(?:ing|ed)?\s+(?:it|time|some\s+time|the\s+time)\b|\bkiller\b",
    r"\b(?:is|are|was|were|its|keeps|been)\s+(?:\w+\s+){0,2}killing\s+(?:me|my\s+(?:back|feet"
    r"|mood|budget|nausea|plants|knees|vibe))\b(?!\s+(?:inside|slowly)\b)",
    r"\bkill\s+(?:two|to)\s+birds\b|\b(?:gonna|going\s+to)\s+kill\s+(?:my|him|her|them)\s+"
    r"(?:brother|sister|husband|wife|son|daughter|kids|boss|dog|cat)\b",
    # Someone or something else that died: grief is not crisis language about oneself.
    rf"\b(?:my|our|his|her|the|their)\s+(?:\w+\s+)?{OTHERS}s?\s+(?:\w+\s+){{0,2}}?(?:died|passed"
    rf"|passed\s+away|is\s+dead|was\s+dead|is\s+dying|was\s+dying|is\s+gone|funeral)\b",
    r"\bpassed\s+away\b|\bwent\s+to\s+(?:a|the|his|her)\s+funeral\b|\bfuneral\s+(?:is|was|on"
    r"|for\s+(?:my|our|his|her))\b|\bgoing\s+to\s+a\s+funeral\b",
    # Haircuts, cooking, accidents, chores.
    r"\b(?:cut|cutting|trim|trimmed|cuts?)\s+(?:my|his|her|the|our)?\s*(?:\w+\s+)?(?:hair"
    r"|bangs|nails|fringe|grass|lawn|onions?|vegetables|veg|bread|wood|fabric|paper|coupons"
    r"|carbs|sugar|caffeine|coffee|dairy|gluten|alcohol|drinking|costs|budget|hours|ties)\b",
    r"\b(?:cut|cutting)\s+(?:back|down|out|off|in\s+line|corners|class)\b|\bhaircut\b|\bpaper\s+cut\b",
    r"\b(?:burned|burnt|burn|burning)\s+(?:the|my)?\s*(?:toast|dinner|food|rice|pan|pot|candle"
    r"|calories|fat|bridges|finger|hand|tongue|mouth)\b|\bsunburn\w*\b|\bheartburn\b",
    r"\bhurts?\s+(?:my\s+)?(?:back|knee|knees|neck|shoulder|leg|legs|foot|feet|head|tooth"
    r"|stomach)\b|\b(?:my|the)\s+(?:back|knee|neck|shoulder|leg|foot|feet|head|tooth|stomach"
    r"|arm)\s+hurts?\b|\bhurt\s+my\s+(?:back|knee|neck|shoulder|ankle|wrist|foot)\b",
    r"\b(?:cut|burned|burnt|hurt)\s+(?:my\s+)?(?:finger|thumb|hand)\s+(?:\w+\s+){0,3}?"
    r"(?:cooking|making|on\s+the|with\s+a\s+knife|at\s+work)\b",
    # A routine dose: "took 2 tylenol for the headache" (a routine schedule, "6 pills every
    # morning", is not blanked: the pattern tables read it, and it stops the overdose compound).
    r"\b(?:took|take|taking|had)\s+(?:a|an|one|two|three|four|[1-4]|my)\s+(?:\w+\s+)?(?:pills?"
    r"|tablets?|capsules?|meds|medicine)?\s*(?:for|with|after|before|to\s+sleep|this|last|at)\b",
    r"\b(?:lined"
    r"\s+up\s+|sorted\s+|counted\s+)?in\s+(?:the|my|a)\s+(?:weekly\s+|pill\s+)?organi[sz]er\b"
    r"|\bprescription\b|\brefill\b",
    # Being done with a thing, tired of a thing, the point of a thing.
    r"\bdone\s+(?:with|for)\s+(?:the|my|this|work|today|tonight|now|the\s+day|the\s+week"
    r"|school|class|treatment|homework|dinner|it\s+now)\b(?!\s+(?:life|living|everything|everyone)\b)",
    r"\b(?:so|all|im|i\s+am|were|are)\s+done\s+(?:with\s+)?(?:this|the)\s+(?:rain|heat|weather"
    r"|snow|cold|traffic|paperwork|week|job|commute|noise|form|survey|questionnaire)\b",
    r"\bwhats?\s+(?:even\s+)?the\s+point\s+(?:of|in)\s+(?:this|the|that|a|an|these|filling"
    r"|fasting|asking|coming|doing\s+(?:this|the))\b(?!\s+(?:life|living|me|going\s+on)\b)",
    r"\btired\s+of\s+(?:cooking|waiting|the|this\s+(?:weather|rain|heat|traffic|job)|work"
    r"|driving|being\s+on\s+hold)\b",
    r"\b(?:cant|cannot)\s+(?:go|make\s+it|come|do)\s+(?:on\s+)?(?:mon|tue|wed|thu|fri|sat|sun)\w*\b",
    r"\b(?:cant|cannot)\s+(?:take|stand)\s+(?:the|this)\s+(?:heat|cold|rain|noise|bus|traffic"
    r"|weather)\b",
    r"\blol\b|\blmao\b|\bhaha\w*\b|\bjk\b",
    # Journeys, views and outings near heights, water or trains.
    r"\b(?:train|subway|railway)\s+(?:museum|station|ride|trip|set|tickets?)\b|\btook\s+the"
    r"\s+(?:train|bus|subway)\b|\b(?:on|over|across)\s+the\s+bridge\s+(?:to|into|was|is)\b",
    r"\b(?:swimming|swim|swam|kayak\w*|fishing|boat\w*|hike|hiking|walk|walked|picnic"
    r"|dinner|party|view)\s+(?:\w+\s+){0,3}?(?:in|on|at|by|along|near|to)\s+the\s+(?:lake|river"
    r"|ocean|sea|beach|rooftop|roof|balcony|cliffs?|bridge|coast)\b",
    # Sleeping a lot, crashing early, wanting a holiday.
    r"\b(?:could\s+have|could\s+of|couldve)\s+slept\s+forever\b|\bcrash\s+early\b|\bsleep\s+in\b",
    r"\bdisappear\s+(?:to|into|on|for)\s+(?:a|the|an)\b",
    # Goodbye parties, last texts before a trip.
    r"\b(?:goodbye|farewell|leaving)\s+(?:party|lunch|drinks|card|dinner)\b|\blast\s+(?:text"
    r"|message|msg)\s+(?:before|for\s+(?:today|tonight|now)|tonight|today)\b",
    r"\bsaid\s+goodbye\s+to\s+(?:our|my|the)\s+(?:old\s+)?(?:dog|cat|pet|house|apartment"
    r"|car|friends)\b",
    r"\b(?:im|i\s+am)\s+(?:so\s+|literally\s+)?dead\s+(?:lol|lmao|haha\w*)\b|\b(?:die|dying)\s+without"
    r"\s+(?:my|a|the)\b|\bdisappear\s+(?:to|into|on|for)\s+(?!forever|for\s+good|for\s+ever)\w+",
    r"\b(?:killed|kill|killing)\s+(?:himself|herself|themselves)\b|\btook\s+(?:his|her|their)\s+"
    r"(?:own\s+)?life\b|\b(?:took|take|bring|brought)\s+(?:\w+\s+){0,3}?(?:meds|pills|medications)"
    r"\s+(?:back\s+)?to\s+(?:the|a)\b",
    r"\b(?:cut|burned|burnt|nicked|hurt)\s+myself\s+(?:shaving|cooking|on\s+the\s+\w+|by\s+accident"
    r"|accidentally)\b|\bknife\s+(?:set|block|sharpener)\b|\b(?:kitchen|chef|chefs|bread|steak)\s+"
    r"knives?\b",
    rf"\b{FIREARM}\s+(?:for|at|to)\s+(?:the\s+)?(?:deer|hunting|range|season|show|club)\b|\bgun\s+"
    r"(?:show|shop|store|club|safety)\b|\bdeer\s+season\b|\bhunting\b|\bgun\s+range\b|\b(?:nerf|water|glue|toy|staple|nail|heat|spray)\s+guns?\b",
    # Hopeless words about a thing, not about life: "hopeless at cooking", "at my limit with
    # this paperwork", "no point in going to the gym", "gave up caffeine", "can't go on the trip".
    r"\b(?:hopeless|trapped|end\s+of\s+my\s+rope|no\s+point|no\s+hope|at\s+my\s+limit|tired|sick|done|exhausted|nothing"
    r"\s+matters|cant\s+(?:take|stand|go\s+on|do))\s+(?:at|with|of|in|on|about|for|more|to)\s+"
    rf"(?:(?:the|this|a|an|my|going|getting)\s+(?!{_NOT_A_THING})\w+"
    rf"|(?!{_NOT_A_THING}|(?:the|this|a|an|my|going|getting)\b)\w+)",
    r"\b(?:give|gave|giving|given)\s+up\s+(?:on\s+)?(?:the\s+|my\s+)?(?:caffeine|coffee|sugar"
    r"|alcohol|drinking|smoking|vaping|meat|dairy|carbs|gluten|soda|chocolate|diet|seat|spot"
    r"|gym|idea|project|plan|search|car|job)\b|\bgive\s+up\s+trying\s+to\s+(?:fix|find|get|call|figure"
    r"|make|understand|reach|book|log)\b|\bnot\s+hopeless\b|\bcant\s+go\s+on\s+(?:the|a|an"
    r"|my|our|next|holiday|vacation|(?:mon|tue|wed|thu|fri|sat|sun)\w*)\b|\bnever\s+get\s+better\s+at\b",
    r"\b(?:cat|cats|dog|dogs|kitten|puppy|kid|baby)\s+(?:\w+\s+)?scratch\w*|\bblood\s+(?:pressure"
    r"|test|tests|work|draw|sugar|results)\b|\bfeel\w*\s+lighter\b|\b(?:nobody|no\s+one|not)"
    r"\s+(?:was\s+)?hurt\b|\b(?:car|truck|computer|app|laptop|website|system)\s+crash\w*",
    r"\bdrowning\s+in\s+(?!the\s+(?:lake|river|ocean|sea|bath|tub)|water)\w+|\bstash\s+of\s+"
    r"(?:snacks|candy|chocolate|food|tea|coffee|yarn|books|wine)\b|\bhang\w*\s+(?:out|in\s+there"
    r"|up|on|the\s+\w+|pictures)\b|\bjump\s+rope\b|\bjump\w*\s+"
    r"(?:off|on|in|at|into)\s+(?:the\s+|a\s+)?(?:couch|bed|chair|chance|pool|lake|trampoline"
    r"|sofa|call|train)\b",
    r"\bvoices\s+(?:in|from|outside|of)\s+(?:the|my)\s+(?:hallway|waiting\s+room|street|next"
    r"|office|dreams?|tv|radio|podcast|kids|family|neighbou?rs)\b|\bforgot\s+my\s+passwords?\b",
    r"\b(?:pharmacy|pharmacist|nurse|doctor)(?:\s+\w+){0,2}?\s+(?:counted|gave|filled|has|had"
    r"|gives)\b(?:\s+(?:out|me|my|us))?|\bpharmacy\b|\bpharmacist\b|\bfor\s+(?:a|my|the)\s+(?:migraine|headache|pain|nausea|cold|flu|fever|cramps"
    r"|period|allergies|sleep)\b",
)

# Round 8's look-alikes, each naming another purpose: giving up on a diet, no point arguing, the
# night of a first date, rope for the clothesline, the edge of a canyon on holiday, a will made
# when a baby came, suicide prevention, kids better off with less screen time, copays killing a
# wallet, an exam that killed me.
OTHER_PURPOSES: tuple[str, ...] = (
    r"\b(?:give|gave|giving|given)\s+up\s+on\s+(?:the|my|this|that|these|those|a|an)\s+"
    r"(?!(?:life|living|myself|me|recovery|treatment|future|hope|dreams?|therapy|healing"
    r"|everything|it|getting|being|trying|fighting|ketamine|everyone|people|world)\b)\w+",
    r"\bno\s+point\s+(?:in\s+)?(?!(?:living|existing|going|trying|fighting|being|waking|getting"
    r"|carrying|continuing|staying)\b)\w+ing\s+(?:with|to|about|for|at|on|over|the|my|it|him|her"
    r"|them|this|that)\b",
    r"\b(?:tonight|today|tomorrow|is|s)\s+(?:is\s+)?the\s+(?:big\s+)?(?:day|night)\b(?=\s*\.?\s*"
    r"(?:\w+\s+){0,4}?(?:date|concert|party|wedding|game|show|interview|trip|flight|move|gig"
    r"|match|premiere|birthday|graduation|exam|test|surgery|appointment|session|dinner|reunion"
    r"|recital|play)\b)",
    r"\b(?:rope|ropes|cord|cords|cable|cables|chain|chains)\s+(?:for|to\s+(?:hang|tie|fix|hold"
    r"|secure))\s+(?:the|a|an|my|our|his|her|some)?\s*(?:clothes\w*|laundry|washing|tent|boat"
    r"|swing|hammock|garden|dog|tire|climbing|gym|tree|plants?|pictures?|lights|christmas"
    r"|decorations|curtains?|tarp|camping|trailer|truck|bike|kayak|porch|fence|project|craft\w*"
    r"|macrame|yard)\w*|\bclothesline\b|\bwashing\s+line\b|\b(?:tow|climbing)\s+rope\b"
    r"|\brope\s+swing\b",
    r"\b(?:(?:stood|standing|stand|sat|sitting|walked|hiked)\s+(?:\w+\s+){0,3}?(?:at|on|near|to)"
    r"\s+the\s+)?(?:edge|top|rim)\s+of\s+the\s+(?:\w+\s+){0,2}?(?:canyon|mountain|cliffs?"
    r"|waterfall|falls|lookout|volcano|crater|pier)\b(?=.*\b(?:vacation|holiday|trip|tour|hike"
    r"|hiking|view|views|photos?|pictures?|selfie|beautiful|amazing|gorgeous|sunset|sunrise"
    r"|honeymoon)\b)",
    r"\b(?:my|our|a|the)\s+wills?\b(?=.*\b(?:baby|born|lawyer|attorney|adulting|mortgage|married"
    r"|wedding|new\s+house|estate|newborn|pregnan\w*|grown\s*up|notary|paperwork)\b)",
    r"\bsuicide\s+(?:prevention|awareness)\b",
    r"\bbetter\s+off\s+(?:with|without)\s+(?:less|more|fewer)\b(?!\s+(?:of\s+)?me\b)",
    r"\b(?:are|is|s|were|was|been|keeps?)\s+(?:\w+\s+){0,2}killing\s+my\s+(?!(?:self|kids|family"
    r"|children|wife|husband|son|daughter|mom|mum|dad|baby|parents|partner)\b)\w+",
    r"\b(?:that|this|the|today|todays|yesterdays|it|work|which)\s+(?:\w+\s+){0,2}?killed\s+me\b"
    r"(?!\s+(?:inside|slowly))",
)

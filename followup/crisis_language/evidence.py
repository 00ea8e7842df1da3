"""The second reading: a message that combines broad evidence of crisis, whatever its phrasing.

The pattern tables (``patterns.py``) recognise the ways patients have been seen to say things;
each new round of messages showed that a list of phrasings misses the next way of saying the
same thing ("my kids would have a better life without me around"). This reading does not look
for a phrase. It marks which *concepts* a message touches (death and its euphemisms, a means, a
wish or an intention, a time, hurting oneself, being a burden, hopelessness, preparations,
goodbyes, voices, swallowing many pills) and flags the message when the weights of the concepts
present add up to ``THRESHOLD``. Most concepts are worth less than the threshold on their own,
so a death word needs a wish, a time, a means or the patient's own "I" with it; a few are
strong enough alone.

Weights and the threshold were chosen for the product's budget: at least 98 % of concerning
messages flagged with at most 10 % of benign ones. False negatives are the worst error, so a
message that says "I" and "die" flags even when it may be hyperbole; a clinician reads it.

Before the concepts are looked for, ``BENIGN_IDIOMS`` are blanked: the look-alikes that would
otherwise supply a concept ("I'd die for a coffee", "my phone is dying", "killing time", "I cut
my hair", "took 2 tylenol", "done with work", "what's the point of this form", "my dad died").

Everything here is read on the squeezed word form (normalise.py), written in ordinary spelling
and squeezed the same way when compiled (so "kill" is written here and read as "kil").
"""

import re
from dataclasses import dataclass

from followup.crisis_language import categories as c
from followup.crisis_language.fragments import FIREARM, HEIGHT, OUTING, PILLS, UNIT, WATER

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

# --- Concepts ----------------------------------------------------------------------------------
# Each lexicon below is one concept at one strength. A concept's strong form (weight 2) is
# evidence on its own that the message is about a crisis; its weak form (weight 1) is a word
# with ordinary uses too (a bridge, pills, "gone", "done") that needs other evidence.
#
# Who and how: the patient's own voice, a wish, thinking about it, a time, holding the means.
SELF = r"\b(?:i|me|my|myself|im|ive|ill|id|mine|this\s+is\s+me|your\s+patient|texting)\b"
INTENT = (
    r"\b(?:want|wants|wanted|wanna|wish|wished|wishing|hope|hoping|pray|praying|rather|would"
    r"\s+be\s+nice|need\s+to|should|deserve|deserves|going\s+to|gonna|plan|plans|planned"
    r"|planning|decided|might\s+as\s+well|how\s+easy|what\s+if|could\s+(?:just|honestly)"
    r"|part\s+of\s+me|looking\s+up|looked\s+up|googl\w*|research\w*|sounds|easier|peaceful"
    r"|just\s+want|asking\s+for\s+a\s+friend|if\s+someone|someone\s+took|would\s+(?:they|it))\b"
)
# Dwelling on it: weighs 2, as "thinking about the bridge" is already most of a message.
CONTEMPLATION = (
    r"\b(?:thinking\s+(?:about|of|bout|abt)|think\s+(?:about|of)|thought\s+(?:about|of)"
    r"|thoughts\s+(?:about|of)|keep\s+thinking|cant\s+stop\s+thinking|urges?\s+to|tempted"
    r"|keep\s+picturing|picturing|imagin\w*|fantasi[sz]\w*|obsess\w*|cant\s+stop\s+looking)\b"
)
TIMING = (
    r"\b(?:tonight|tomorrow|this\s+weekend|soon|right\s+now|(?:mon|tues|wednes|thurs|fri|satur"
    r"|sun)day|after\s+(?:the\s+kids|everyone|they|friday|my|the)|is\s+the\s+(?:day|night)"
    r"|its\s+time|its\s+happening|made\s+up\s+my\s+mind|decided|ready|house\s+empty|do\s+it"
    r"|doing\s+it|go\s+through\s+with|i\s+know\s+(?:where|when|how))\b"
)
MEANS_ACTION = (
    r"\b(?:have|has|got|bought|buy|buying|keep|keeps|keeping|kept|hold|holding|held|hid|hide"
    r"|hiding|hidden|saved|saving|counting|counted|looking\s+at|looked\s+at|staring|stared"
    r"|know\s+where|sat|sitting|standing|stood|drove|driving|walked|climbed|loaded|ordered"
    r"|sharpened|carry|carrying|never\s+threw|let\s+go|step\s+out|how\s+easy|how\s+high"
    r"|lined\s+up|went\s+(?:up|to)|up\s+to)\b"
)
# What: death and dying. Strong: the words and the euphemisms that have no other use here.
DEATH = (
    r"\b(?:die|dies|died|dying|dead|death|suicid\w*|unaliv\w*|kill|kills|killed|killing"
    r"|disappear|disappeared|vanish|vanished|not\s+(?:be\s+)?(?:here|around|alive)|no\s+longer"
    r"\s+(?:be\s+)?(?:here|around|alive)|not\s+exist|not\s+existing|stop\s+existing|cease\s+to"
    r"\s+exist|(?:not|never|wont|dont|didnt|wouldnt)\s+wake\s+up|sleep\s+forever|never\s+wake"
    r"|(?:end|ending)\s+(?:it|everything|things|this|it\s+all|my\s+life|myself)|check\w*\s+out"
    r"\s+(?:early|for\s+good|of\s+(?:life|this))|go\s+away\s+for\s+good|takes?\s+me\s+in\s+my"
    r"\s+sleep|not\s+supposed\s+to\s+be\s+alive|leave\s+this\s+(?:world|earth)|do\s+myself\s+in"
    r"|end\s+myself|grave|coffin|overdos\w*|never\s+here|wasnt\s+here|never\s+born|not\s+alive"
    r"|stop\s+breathing|not\s+living|(?:dont|doesnt|didnt|do\s+not|does\s+not|never)\s+(?:\w+\s+)?"
    rf"(?:want|wanna|wish|care)\s+(?:to\s+)?(?:live|be\s+alive|be\s+here|exist|wake\s+up|go\s+on{OUTING})|done\s+done|be\s+done\s+for\s+good"
    r"|(?:s|si|dark|those|suicidal|bad)\s+thoughts|(?:not|wont|never)\s+(?:going\s+to\s+|gonna\s+)?be"
    r"\s+(?:around|here|alive)(?!\s+(?:next|on|for|until|till|at|in|when|while|during|this\s+(?:mon|tue"
    r"|wed|thu|fri|sat|sun)))|stay\s+asleep|join\s+(?:him|her|them)|would\s+(?:just\s+)?hit\s+me"
    r"|so\s+it\s+would\s+be\s+over|close\s+the\s+book"
    r"|no\s+reason\s+to\s+(?:live|be\s+here|stay|stick\s+around|keep\s+going)|stick\s+around"
    r"|nothing\s+keeping\s+me)\b"
)
# Weak: words that also mean leaving a room or finishing a form.
DEATH_SOFT = (
    r"\b(?:gone|forever|for\s+good|be\s+over|go\s+away|let\s+go|step\s+out|better\s+place"
    r"|not\s+come\s+back|wont\s+be\s+(?:here|around)|the\s+end|in\s+my\s+sleep|drown\w*|hang"
    r"|hanging|hanged|jump|jumping|jumped)\b"
)
# The means. Strong: a firearm, a rope, a blade, fumes, a stash, a lethal amount.
MEANS = (
    rf"\b(?:{FIREARM}|glock|rope|ropes|blade|blades|razor|razors|carbon\s+monoxide|exhaust"
    rf"|charcoal|stash\w*|stockpil\w*|hoard\w*|lethal|fatal|top\s+floor|parking\s+(?:garage"
    rf"|deck|structure)|(?:train|railway)\s+(?:tracks|schedule)|tracks|ledge"
    rf"|oncoming|swerve\w*|the\s+semi|drive\s+(?:into|off)|step\s+out\s+in\s+front|tailpipe|hose"
    rf"|(?:turn|jerk|yank)\s+the\s+wheel|steer\s+into|into\s+(?:a|the)\s+(?:truck|semi|tree|wall"
    rf"|bus|train)|(?:stood|standing|stand|sat|sitting)\s+(?:at|on|near)\s+the\s+edge|quarry"
    rf"|floor\s+window|high\s+up)\b"
)
# Weak: pills (any medicine's name reads as "pills"), heights, water, cars, cords, knives.
MEANS_SOFT = (
    rf"\b(?:{PILLS}|{HEIGHT}|cliffs|bridges|roofs|{WATER}|belt|cord|cable|knife|knives|scissors"
    rf"|lighter|train|trains|traffic|crash\w*|gas|fumes|garage|hanging|hang|jump\w*|drown\w*"
    rf"|bathtub|bath|railing|overpass|edge|window|how\s+high|(?:blue|white|pink|yellow|little"
    rf"|sleeping|anxiety|night|nighttime)\s+ones|(?:medicine\s+)?cabinet)\b"
)
SELF_HARM = (
    r"\b(?:bleed\w*|bled|blood|bloody|punish\w*|carve\w*|carving|slice\w*|slash\w*"
    r"|relaps\w*|scars?|(?:cut|cuts|cutting|burn|burned|burnt|burning|hurt|hurting|harm|harming"
    r"|scratch\w*|hit|hitting|punch\w*)\s+(?:myself|me|my\s+(?:arm|arms|wrist|wrists|leg|legs"
    r"|thigh|thighs|skin|stomach|hip|hips))|months\s+clean|days\s+clean|weeks\s+clean"
    r"|self\s*harm\w*|urge\s+to\s+(?:cut|burn|hurt))\b"
)
SELF_HARM_SOFT = (
    r"\b(?:cut|cuts|cutting|burn|burns|burned|burnt|burning|hurt|hurts|hurting|harm|harming"
    r"|scratch\w*|punch\w*|pain|bruise\w*|razor|blade|lighter|deserve\s+(?:it|pain))\b"
)
BURDEN = (
    r"\b(?:without\s+me|burden\w*|better\s+(?:life|lives)|better\s+off\s+(?:\w+\s+){0,6}?(?:if"
    r"|without|than|when)|(?:happier|fine|relieved|free|better|easier|lighter)\s+(?:if|when"
    r"|without)\s+i|if\s+i\s+(?:was|were|wasnt|werent)\s+(?:gone|here|around|in\s+it|alive"
    r"|dead|not\s+here)|(?:miss|notice|care|blink|mourn)\w*\s+(?:if|when|that)\s+i|(?:miss"
    r"|notice)\s+me|drag\w*\s+(?:everyone|everybody|them|people|you)\s+down|than\s+with\s+me"
    r"|insurance\s+money|waste\s+of\s+(?:space|air|oxygen)|ruin\w*\s+(?:everything|everyones"
    r"|their)|nobody\s+would|no\s+one\s+would|finally\s+be\s+free|deserve\s+better\s+than\s+me"
    r"|(?:nobody|no\s+one)\s+(?:needs|wants|loves)\s+me|weight\s+(?:around|on)|dead\s+weight"
    r"|holding\s+(?:everyone|them|you|everybody)\s+back|(?:tired|sick)\s+of\s+me|(?:theyd|they"
    r"\s+would|everyone\s+would|hed|shed|she\s+would|he\s+would)\s+be\s+(?:relieved|happier"
    r"|better|fine|free)|(?:kids|family|wife|husband|children|son|daughter|parents|everyone)\s+"
    r"(?:would|will|d)\s+be\s+better\s+(?:raised|off|cared|looked|with))\b"
)
HOPELESS = (
    r"\b(?:pointless|no\s+point|hopeless\w*|worthless|cant\s+(?:go\s+on|do\s+(?:this|it)\s+"
    r"anymore|take\s+(?:it|this)\s+anymore|keep\s+going|anymore)|give\s+up|giving\s+up|gave\s+up"
    r"|nothing\s+left|tired\s+of\s+(?:everything|fighting|living|life|trying|it\s+all|being)"
    r"|no\s+way\s+out|never\s+(?:going\s+to\s+)?get\s+better|nothing\s+(?:will|is\s+going\s+to"
    r"|ever)\s+change|no\s+future|no\s+hope|trapped|had\s+enough|whats\s+(?:even\s+)?the\s+point"
    r"|nothing\s+matters|at\s+my\s+limit|done\s+with\s+(?:everything|life|it\s+all)"
    r"|im\s+done|so\s+done|no\s+reason|nobody\s+cares|no\s+one\s+cares|nothing\s+to\s+(?:look"
    r"\s+forward\s+to|live\s+for)|what\s+am\s+i\s+(?:even\s+)?(?:living|alive|here)\s+for"
    r"|never\s+(?:get|getting)\s+out\s+of|no\s+(?:fight|strength|energy)\s+left|end\s+of\s+my"
    r"\s+rope|cant\s+keep\s+(?:doing|going|living|fighting))\b"
)
# About everything at once ("everything's pointless", "life is meaningless"): enough alone.
HOPELESS_GLOBAL = (
    r"\bnothing\s+(?:left\s+)?to\s+(?:look\s+forward\s+to|live\s+for)\b|\b(?:everything|everythings|life|it\s+all|all\s+of\s+it|existence|my\s+life|living)\s+"
    r"(?:is\s+|s\s+|feels\s+|seems\s+)?(?:so\s+|just\s+|completely\s+)?(?:pointless|meaningless"
    r"|hopeless|worthless)\b"
)
HOPELESS_SOFT = (
    r"\b(?:done|anymore|tired\s+of|sick\s+of|exhausted|empty|numb|hole|cant\s+(?:do|take"
    r"|handle|cope)|pointless|whats\s+the\s+point|never\s+(?:get|gets|be)\s+better|nothing)\b"
)
PREPARATION = (
    r"\b(?:who\s+(?:gets|should\s+get|will\s+get|can\s+have)|(?:letter|letters|note|notes)\s+(?:for"
    r"|to)\s+(?:the|my)\s+(?:kids|family|wife|husband|mom|mum|dad|parents|children|son|daughter"
    r"|sister|brother)|funeral\s+(?:home|arrangements|plans)|my\s+own\s+funeral|(?:gave|giving|give"
    r"|given)\s+(?:away\s+)?my\s+(?!old\b|spare\b|extra\b)\w+\s+(?:\w+\s+){0,4}?to\s+my|should\s+have"
    r"\s+them|can\s+have\s+my|gets\s+my|beneficiar\w*|(?:left|put|wrote|gave|leaving)\s+(?:\w+\s+){0,2}?"
    r"passwords?|passwords?\s+(?:in|for)|if\s+anything\s+happens|written\s+down"
    r"|wrote\s+(?:out|down)\s+(?:who|what|where)|affairs|when\s+im\s+gone|after\s+im\s+gone"
    r"|(?:my|a)\s+will\b|suicide\s+note|goodbye\s+(?:notes?|letters?)|give\w*\s+away\s+(?:my|all)"
    r"|gave\s+away\s+(?:my|all)|rehom\w*|take\s+care\s+of\s+my\s+(?:cat|dog|kids|pets?)"
    r"|life\s+insurance)\b"
)
PREPARATION_SOFT = (
    r"\b(?:passwords?|letters?|notes?|insurance|funeral|savings|envelope|my\s+stuff|my\s+things"
    r"|belongings|accounts|deleted|give\w*\s+away|gave\s+away|who\s+will)\b"
)
FAREWELL = (
    r"\b(?:(?:dont|do\s+not)\s+(?:come\s+)?(?:look|looking|search)\w*\s+for\s+me|this\s+is\s+it"
    r"|forgive\s+me|(?:wasnt|isnt)\s+your\s+fault|wont\s+be\s+(?:answering|replying|texting"
    r"|responding)|sorry\s+for\s+everything|you\s+did\s+your\s+best|not\s+your\s+fault|love"
    r"\s+you\s+all|goodbye\s+(?:everyone|all|world|forever)|last\s+(?:text|message|msg|words)"
    r"\s+(?:from\s+me|youll|you\s+will|ever))\b"
)
FAREWELL_SOFT = (
    r"\b(?:goodbye|bye|farewell|thank\s+you|thanks|sorry|love\s+you|last\s+(?:text|message|msg"
    r"|time|words)|take\s+care\s+of|tell\s+(?:my|them|him|her))\b"
)
# A time or a decision said with nothing after it: "sunday is the day.", "i've decided",
# "it's happening this weekend", "not doing this after friday".
PLAN = (
    r"\b(?:(?:is|s)\s+the\s+(?:day|night)|its\s+time|(?:im|i\s+am)\s+ready|(?:ive\s+|i\s+)?"
    r"(?:decided|made\s+up\s+my\s+mind))\s*(?:\.|$)|\bits\s+happening\b|\bnot\s+doing\s+this"
    r"\s+(?:after|past|beyond|anymore)\b|\b(?:im|i\s+am)\s+(?:going\s+to|gonna)\s+do\s+it\b"
    r"|\bthis\s+is\s+it\b|\b(?:everything|it)\s+(?:is|s)\s+(?:all\s+)?(?:set|ready|planned|arranged"
    r"|in\s+place)\b|\b(?:chose|chosen|picked|found)\s+(?:the|a)\s+(?:spot|place|date|day|time|way"
    r"|method)\b(?!\s+(?:for|to|with)\b)|\b(?:do|doing)\s+it\s+(?:when|after|before|on|this|tonight|tomorrow|once|while)\b"
    r"|\bmade\s+(?:my|the)\s+decision\b(?!\s+to\b)|\bknow\s+(?:where\s+and\s+when|when\s+and\s+where|how\s+and\s+when)\b"
)
# Medicines being counted, saved or hidden; asking how many would be too many.
HOARDING = (
    r"\b(?:counting|counted|saving|saved|hiding|hid|hidden|collecting|collected|lined\s+up"
    r"|never\s+threw|stockpil\w*|hoard\w*|stash\w*)\b"
)
LETHAL_QUESTION = (
    r"\bhow\s+(?:many|much)\b.*\b(?:would|will\s+it|it\s+take|too\s+many|too\s+much|lethal"
    r"|fatal|kill|die|wake\s+up|to\s+not)\b|\bwould\s+(?:they|i|you|someone)\s+(?:wake\s+up"
    r"|die|survive)\b"
)
VOICES = (
    r"\b(?:voices|someone\s+in\s+my\s+head|nobody\s+else\s+(?:hears|can\s+hear)|no\s+one\s+else"
    r"\s+(?:hears|can\s+hear)|hearing\s+things|the\s+whisper\w*|whispers)\b"
)
VOICES_SOFT = (
    r"\b(?:voice|whisper\w*|in\s+my\s+head|(?:telling|tell|tells|told|says|said|saying"
    r"|commanding|ordering)\s+(?:me|i)\s+(?:to|should|need|must|im|am|deserve)|they\s+keep"
    r"\s+telling|it\s+says)\b"
)
# An overdose is three things together: swallowing, many, medicines ("ate all the tablets").
INGEST = (
    r"\b(?:took|take|taken|taking|swallow\w*|ate|eaten|had|downed|popped|pop|chugged|snorted"
    r"|injected)\b"
)
AMOUNT = (
    rf"\b(?:(?:[5-9]|[1-9][0-9]+)(?!\s*{UNIT}\b)|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|forty"
    r"|fifty|hundred|all|every|whole|entire|half|bunch|handful|handfuls|too\s+many|too\s+much"
    r"|the\s+rest|everything|a\s+lot|lots|loads|a\s+ton|dozens?)\b"
)


@dataclass(frozen=True)
class Concept:
    """One concept at one strength: its group (a concept counts once, at its strongest), the
    category it names, its weight, its pattern, and whether it is evidence of a crisis (the
    rest say who, when or how)."""

    group: str
    category: str
    weight: int
    pattern: str
    crisis: bool = True


# Staring at the means, which holds a patient's attention the way a wish does.
STARING = r"\b(?:staring|stare|stared|looking|looked|gazing)\s+(?:down\s+)?(?:at|into|over)\s+(?:the|my)\b"

CONCEPTS: tuple[Concept, ...] = (
    Concept("self", "", 1, SELF, crisis=False),
    Concept("intent", c.PLAN_INTENT, 1, INTENT, crisis=False),
    Concept("contemplation", c.PLAN_INTENT, 2, CONTEMPLATION, crisis=False),
    Concept("timing", c.PLAN_INTENT, 1, TIMING, crisis=False),
    Concept("holding", c.MEANS_ACCESS, 2, STARING, crisis=False),
    Concept("holding", c.MEANS_ACCESS, 1, MEANS_ACTION, crisis=False),
    Concept("death", c.WANT_TO_DIE, 2, DEATH),
    Concept("death", c.WANT_TO_DIE, 1, DEATH_SOFT),
    Concept("means", c.MEANS_ACCESS, 2, MEANS),
    Concept("means", c.MEANS_ACCESS, 1, MEANS_SOFT),
    Concept("self_harm", c.SELF_HARM, 2, SELF_HARM),
    Concept("self_harm", c.SELF_HARM, 1, SELF_HARM_SOFT),
    Concept("burden", c.BURDEN, 2, BURDEN),
    Concept("hopeless", c.HOPELESSNESS, 3, HOPELESS_GLOBAL),
    Concept("hopeless", c.HOPELESSNESS, 2, HOPELESS),
    Concept("hopeless", c.HOPELESSNESS, 1, HOPELESS_SOFT),
    Concept("preparation", c.PREPARATION, 2, PREPARATION),
    Concept("preparation", c.PREPARATION, 1, PREPARATION_SOFT),
    Concept("plan", c.PLAN_INTENT, 2, PLAN),
    Concept("farewell", c.FAREWELL, 2, FAREWELL),
    Concept("farewell", c.FAREWELL, 1, FAREWELL_SOFT),
    Concept("voices", c.COMMAND_HALLUCINATION, 2, VOICES),
    Concept("voices", c.COMMAND_HALLUCINATION, 1, VOICES_SOFT),
    Concept("ingest", c.OVERDOSE, 0, INGEST, crisis=False),
    Concept("amount", c.OVERDOSE, 0, AMOUNT, crisis=False),
)
# A message flags when its concepts weigh THRESHOLD together with at least CRISIS_FLOOR of it
# from evidence of a crisis ("I will be there tonight" says who and when, but of nothing); or
# with one weak piece of crisis evidence, LONE_WEAK_TOTAL in all and a wish, a thought or a stare
# ("thinking of driving to the cliffs": thinking 2, driving 1, cliffs 1).
THRESHOLD = 3
CRISIS_FLOOR = 2
LONE_WEAK_TOTAL = 4
# Swallowing, many and medicines together are an overdose whatever else is said.
OVERDOSE_GROUPS = frozenset({"ingest", "amount"})

# When several concepts are present, the first of these that is present names the message.
_NAMING = (
    (c.COMMAND_HALLUCINATION, "voices"),
    (c.MEANS_ACCESS, "means"),
    (c.SELF_HARM, "self_harm"),
    (c.BURDEN, "burden"),
    (c.PREPARATION, "preparation"),
    (c.FAREWELL, "farewell"),
    (c.WANT_TO_DIE, "death"),
    (c.HOPELESSNESS, "hopeless"),
)


def _squeezed(pattern: str) -> str:
    return re.sub(r"(?<!\\)([a-z])\1+", r"\1", pattern)


_BENIGN = re.compile("|".join(f"(?:{_squeezed(idiom)})" for idiom in BENIGN_IDIOMS))
_CONCEPTS = tuple((concept, re.compile(_squeezed(concept.pattern))) for concept in CONCEPTS)
# Pills, or what patients call them when they do not name them.
PILL_STAND_INS = (
    r"(?:(?:blue|white|pink|yellow|little|sleeping|anxiety|night|nighttime)\s+ones|(?:medicine\s+)?"
    r"cabinet)"
)
_PILLS = re.compile(_squeezed(rf"\b(?:{PILLS}|{PILL_STAND_INS})\b"))
_HOARDING = re.compile(_squeezed(HOARDING))
_LETHAL_QUESTION = re.compile(_squeezed(LETHAL_QUESTION))
# A routine dose: the overdose compound does not count it.
_ROUTINE = re.compile(
    _squeezed(
        r"\b(?:every\s+(?:morning|day|night|evening)|daily|as\s+prescribed|a\s+day|per\s+day"
        r"|with\s+(?:breakfast|dinner|food)|on\s+time)\b"
    )
)


@dataclass(frozen=True)
class Evidence:
    """What the second reading found: each concept group's weight, and the total."""

    weights: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.weights.values())

    @property
    def crisis(self) -> int:
        return sum(self.weights[group] for group in self.weights if group in _CRISIS_GROUPS)

    @property
    def overdose(self) -> bool:
        return self.weights.keys() >= OVERDOSE_GROUPS and self.weights.get("means", 0) >= 1

    @property
    def flags(self) -> bool:
        if self.overdose:
            return True
        if self.total < THRESHOLD or not self.crisis:
            return False
        if self.crisis >= CRISIS_FLOOR:
            return True
        wish = {"intent", "contemplation"} & self.weights.keys() or self.weights.get("holding") == 2
        return bool(wish) and self.total >= LONE_WEAK_TOTAL

    @property
    def category(self) -> str:
        if self.overdose:
            return c.OVERDOSE
        if "death" in self.weights and ("timing" in self.weights or "plan" in self.weights):
            return c.PLAN_INTENT  # dying, with a time or a decision
        for category, group in _NAMING:
            if group in self.weights:
                return category
        return c.HOPELESSNESS


_CRISIS_GROUPS = frozenset(concept.group for concept in CONCEPTS if concept.crisis)


def _separate(spans: list[tuple[int, int, int]]) -> bool:
    """Whether a strong mention (weight 2 or more) has another mention that does not overlap it."""
    return any(
        weight >= 2 and (other_start >= end or other_end <= start)
        for start, end, weight in spans
        for other_start, other_end, _ in spans
    )


def blank_look_alikes(squeezed_text: str) -> str:
    """``squeezed_text`` with the look-alikes of ``BENIGN_IDIOMS`` blanked (the pattern tables
    read it so too)."""
    return _BENIGN.sub(" ~ ", squeezed_text)


def read_evidence(squeezed_text: str) -> Evidence:
    """The concept groups ``squeezed_text`` touches, look-alikes blanked, at their strongest."""
    text = _BENIGN.sub(" ~ ", squeezed_text)
    weights: dict[str, int] = {}
    spans: dict[str, list[tuple[int, int, int]]] = {}
    for concept, pattern in _CONCEPTS:
        for hit in pattern.finditer(text):
            weights[concept.group] = max(concept.weight, weights.get(concept.group, 0))
            spans.setdefault(concept.group, []).append((*hit.span(), concept.weight))
    # More of the same evidence is more evidence: a strong mention of a crisis concept and another,
    # separate one ("it wasn't your fault" and "thank you") weigh one more, up to 3.
    for group, found in spans.items():
        if group in _CRISIS_GROUPS and _separate(found):
            weights[group] = min(3, weights[group] + 1)
    pills = _PILLS.search(text)
    if weights.keys() >= OVERDOSE_GROUPS and (not pills or _ROUTINE.search(squeezed_text)):
        del weights["amount"]  # "took 40 minutes", "6 pills every morning": not an overdose
    if pills and (_HOARDING.search(text) or _LETHAL_QUESTION.search(text)):
        weights["means"] = 2
    return Evidence(weights)


def assess(squeezed_text: str) -> str | None:
    """The category this reading names for ``squeezed_text``, or None when it does not flag."""
    found = read_evidence(squeezed_text)
    return found.category if found.flags else None

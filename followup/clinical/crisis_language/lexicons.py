"""The concepts the second reading (``evidence.py``) looks for, one lexicon per concept and
strength, in ordinary spelling (squeezed when compiled, so "kill" is read as "kil")."""

from followup.clinical.crisis_language.fragments import FIREARM, HEIGHT, OUTING, PILLS, UNIT, WATER

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
    rf"|bathtub|bath|railing|overpass|edge|platform|window|how\s+high|(?:blue|white|pink|yellow|little"
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

# Staring at the means, which holds a patient's attention the way a wish does.
STARING = r"\b(?:staring|stare|stared|looking|looked|gazing)\s+(?:down\s+)?(?:at|into|over)\s+(?:the|my)\b"

# --- What round 8 taught: concepts, not its phrasings --------------------------------------------
# An end to one's own life without a word for death: "ready to be finished with this life", "for
# it all to stop permanently", "it will all be over by the weekend one way or another", "i'm
# ready to stop." (said as the last words of a message, not "ready to stop the meds").
FINALITY = (
    r"\b(?:finished|done|through)\s+with\s+(?:this\s+|my\s+)?(?:life|living|existing|being\s+alive"
    r"|this\s+world)\b|\b(?:it\s+all|everything|all\s+of\s+(?:it|this)|life|my\s+life|the\s+pain"
    r"|this\s+pain|this)\s+(?:to\s+|would\s+|could\s+|will\s+|can\s+)?(?:just\s+)?(?:stop|end"
    r"|be\s+over)\s+(?:\w+\s+)?(?:permanently|for\s+good|forever|once\s+and\s+for\s+all)\b"
    r"|\b(?:it\s+all|everything|all\s+of\s+it|life|my\s+life)\s+to\s+(?:just\s+)?(?:stop|end"
    r"|be\s+over)\b|\b(?:it|this|everything|all\s+this)\s+(?:will|ll|is\s+going\s+to|gonna)\s+"
    r"(?:all\s+)?be\s+over\b(?=.*\b(?:one\s+way\s+or|soon|by|tonight|tomorrow|weekend|before"
    r"|for\s+good|forever|permanently)\b)|\bready\s+to\s+(?:stop|go|rest|let\s+go|be\s+done"
    r"|leave|check\s+out|be\s+at\s+peace)\s*(?:\.|$|now\s*(?:\.|$)|for\s+good|forever)"
)
# A passive wish: not minding an accident that would end it ("wouldn't mind if the plane crashed").
PASSIVE_WISH = (
    r"\b(?:wouldnt|would\s+not|dont|do\s+not|wont)\s+(?:mind|care)\s+(?:if|when)\s+(?:\w+\s+){0,5}?"
    r"(?:crash\w*|hit\s+me|ran\s+me\s+over|run\s+me\s+over|took\s+me|got\s+me|sank|sink\w*"
    r"|i\s+(?:died|got\s+hit|didnt\s+wake|never\s+woke|got\s+cancer)|didnt\s+wake|never\s+woke"
    r"|(?:my|the)\s+heart\s+stopped)|\b(?:wouldnt|would\s+not)\s+mind\s+(?:dying|not\s+waking"
    r"|never\s+waking)\b"
)
# Hurting oneself in other ways: biting, pinching, slapping; "until it bruises".
SELF_HARM_OTHER_WAYS = (
    r"\b(?:bit|bite|bites|biting|bitten|pinch\w*|slap\w*)\s+(?:myself|my\s+(?:arm|arms|wrist"
    r"|wrists|leg|legs|thigh|thighs|skin|hand|hands))\b|\buntil\s+(?:it|they|i|my\s+\w+)\s+"
    r"(?:bruise|bleed|bled|scar|break)\w*"
)
# Letters left for each of the people one loves; one's body donated.
LEFT_BEHIND = (
    r"\b(?:letters?|notes?|cards?|videos?|messages?)\s+(?:to|for)\s+(?:each|all|every\s+one)\s+of\b"
    r"|\b(?:wrote|written|writing|write|left|leaving|recorded)\s+(?!thank)(?:\w+\s+)?letters\s+"
    r"(?:to|for)\s+(?:\w+\s+){0,2}?(?:kids|family|wife|husband|mom|mum|dad|parents|children|son"
    r"|daughter|sister|brother|everyone|friends|each)\b|\b(?:donate|donating|donated)\s+my\s+"
    r"(?:body|organs)\b|\bmy\s+(?:body|organs)\s+(?:\w+\s+)?(?:gets?|are|is|be)\s+donated\b"
)
# Thanks that sound like the last: "you helped me more than anyone".
LAST_THANKS = (
    r"\b(?:you|yall|you\s+all|you\s+guys)\s+(?:\w+\s+)?(?:helped|saved|meant|did)\s+(?:me\s+)?"
    r"(?:\w+\s+)?more\s+than\s+(?:anyone|anybody|you\s+know|i\s+can\s+say|you\s+will\s+ever\s+know)"
)
# The last hope gone, everything tried.
LAST_HOPE = (
    r"\b(?:my|the|our|was\s+my)\s+last\s+(?:hope|resort|chance|option|shot)\b(?!\s+(?:to|for|at"
    r"|before)\b)|\b(?:ive|i\s+have|i)\s+tried\s+(?:everything|it\s+all|all\s+of\s+it)\b(?!\s+"
    r"(?:to|for|on|at|with|in|from)\b)"
)
# A plan without its method: "got it all figured out", "know exactly what i'm going to do",
# "not scared anymore".
RESOLVED = (
    r"\b(?:got|have|had)\s+it\s+(?:all\s+)?(?:figured|worked|planned|mapped)\s+out\b(?!\s+(?:for"
    r"|with)\b)|\bknow\s+(?:exactly\s+)?what\s+(?:im|i\s+am|ill|i\s+will)\s+(?:going\s+to|gonna"
    r"|about\s+to)\s+do\b(?!\s+(?:about|for|with|on|at|this|today|tomorrow|when|if|next|after|to"
    r"|tonight)\b)|\b(?:not|no\s+longer)\s+(?:scared|afraid)\s+(?:anymore|any\s+more)\b"
)
# Doing something dangerous deliberately: weighs like dwelling on it.
PURPOSE = r"\b(?:on\s+purpose|deliberately|intentionally)\b"
# Exhaust: a car running in a closed garage.
EXHAUST = (
    r"\bgarage\b(?:\s+\w+){0,10}?\s+(?:car|engine|motor)\s+(?:\w+\s+)?(?:running|on|idling)\b"
    r"|\b(?:car|engine)\s+(?:running|idling)\s+(?:\w+\s+){0,4}?(?:garage|closed|shut)\b"
    r"|\b(?:garage|car)\s+(?:would\s+)?fill\s+up\b"
)
WONDERING = r"\b(?:wondering|wonder|wondered)\s+(?:if|whether|how)\b"
WHEN_ALONE = (
    r"\bwhen\s+(?:everyone|everybody|they|the\s+kids|my\s+\w+)\s+(?:is|are|s|has|have)\s+"
    r"(?:asleep|gone|out|away|at\s+work|left)\b"
)

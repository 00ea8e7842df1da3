"""Crisis language about what a patient thinks and feels: the rows of ``patterns.PATTERNS`` for suicide and killing oneself, self-harm, preparations, goodbyes, wanting to die, burden and hopelessness.

Read on the squeezed word forms (normalise.py), written in ordinary spelling; each row says
what it is for.
"""

import followup.clinical.crisis_language.categories as c
from followup.clinical.crisis_language.fragments import (
    ANYMORE,
    CANT,
    DONT,
    END,
    FAMILY,
    OUTING,
    SELF,
    WANT,
)

ROWS: tuple[tuple[str, str], ...] = (
    # --- Suicide: the word, its misspellings and disguises -------------------------------------
    (c.SUICIDE, r"\bs(?:ui|iu|u|uy|ooi)[iay]?[cs]+[iy]?d"),  # suicide, sucide, suiside, suicde
    (
        c.SUICIDE,
        r"\bunalive|\bsewer\s*slid|\bsuicidal\s+ideation|\bideation\b|\b(?:passive|active)\s+si\b|\bsi\s+(?:thoughts|again|is\s+back|urges)\b|\bself\s*delet|\bdelete\s+myself|\bctb\b|\bcommit\s+die|\bcommit\s+toaster\s+bath|\btoaster\s+bath|\ban\s+hero\b|\b(?:permanent|forever|eternal|dirt)\s+(?:nap|sleep)",
    ),
    # --- Killing oneself -------------------------------------------------------------------------
    (
        c.KILL_SELF,
        rf"\b(?:kill|kills|killed|killing|killin|kl|kil|kyl|kel)\s*{SELF}|{END}\s*{SELF}|\bdo\s+myself\s+in\b|\btop\s+myself\b|\byeet\s+myself",
    ),
    (c.KILL_SELF, r"\bkys\b|(?<![0-9] )\bkms\b"),  # not "ran 5 kms"
    # "kill me now", but not "shoot me a text" or "this is killing me" (blanked as an idiom).
    (c.KILL_SELF, r"\b(?:kill|shoot|end)\s+me\b(?!\s+(?:a|an|the|some|your|over|up|back)\b)"),
    (c.KILL_SELF, r"\bkilling\s+me\s+(?:inside|slowly)\b"),
    # --- Ending one's life -----------------------------------------------------------------------
    (
        c.END_LIFE,
        rf"{END}\s+(?:it\s+all|my\s+(?:own\s+)?life|everything|my\s+suffering|my\s+pain|it\s+for\s+good)",
    ),
    (
        c.END_LIFE,
        rf"{END}\s+(?:it|things)\b(?!\s+with\b)(?!\s+(?:early|on\s+a|there|here|soon\s+with))",
    ),
    (c.END_LIFE, r"\b(?:take|taking|took)\s+my\s+(?:own\s+)?life\b(?!\s+back)"),
    # --- Self-harm -------------------------------------------------------------------------------
    (
        c.SELF_HARM,
        rf"\b(?:hurt|hurts|hurting|harm|harming|harmed|cut|cuts|cutting|cuttin|burn|burned|burnt|burning|injure|injuring|punch|punching|hit|hitting|scratch|scratching|scratched|bang|banging)\s*{SELF}",
    ),
    (c.SELF_HARM, r"\bself\s*(?:harm|hurt|injur|mutilat|destruct)|\bsh\s+(?:again|urges?|relapse)"),
    (
        c.SELF_HARM,
        r"\b(?:cut|cutting|slit|slice|slash|carve|carving|burn|burning|burned|(?<!cat )(?<!dog )(?<!kitten )(?<!puppy )scratch\w*)\w*\s+(?:open\s+)?(?:my|me)\s+(?:\w+\s+)?(?:wrists?|arms?|legs?|thighs?|skin|veins?|stomach|hips?)",
    ),
    (
        c.SELF_HARM,
        r"\b(?:cut|cutting|carved|carve|carving|sliced|burned|burnt)\s+into\s+(?:my|me)\b|\b(?:do|doing|did)\s+something\s+(?:to\s+myself|stupid|drastic|bad\s+to\s+myself|permanent)\b",
    ),
    # "cutting" on its own, but not "cutting back on coffee" or "cutting the grass".
    (
        c.SELF_HARM,
        r"\bcutt(?:ing|in)\b(?!\s+(?:back|down|out|off|of|up|in|the|a|an|some|my\s+hair|hair|carbs|sugar|caffeine|coffee|alcohol|drinking|corners|ties|costs|grass|lawn|wood|class|onions?|vegetables|veg|it\s+close|through|across|edge|board|coupons|paper|fabric)\b)",
    ),
    (
        c.SELF_HARM,
        r"\b(?:cut|cutting|cuts|harm|harming|burning|hurting)\s+again\b|\b(?:started|start|relapsed\s+on|relapse\s+on|urge\s+to|urges\s+to|want\s+to|wanna|need\s+to)\s+(?:cut|cutting|hurt\s+me|bleed|burn\s+me)\b(?!\s+(?:down|back|out|off|up|it|the|my\s+hair|hair|ties|costs|class|some|a|an|corners)\b)|\brelapsed\b(?!\s+(?:on\s+(?:smoking|drinking|alcohol|cigarettes|vaping|sugar)))",
    ),
    (
        c.SELF_HARM,
        r"\b(?:fresh|new|deep|my)\s+cuts\b|\bcover\s+(?:up\s+)?(?:my|the)\s+(?:scars|cuts)|\bcigarette\s+burns\b|\bmake\s+myself\s+bleed|\bbang\w*\s+my\s+head\s+(?:against|on|into)",
    ),
    (c.SELF_HARM, r"\bhate\s+myself\b(?!\s+for\b)"),
    # --- Preparations ----------------------------------------------------------------------------
    (
        c.PREPARATION,
        rf"\b(?:wrote|writing|written|write|left|leaving|finished|drafted)\s+(?:a\s+|the\s+|my\s+|some\s+)?(?:suicide\s+|goodbye\s+|last\s+|final\s+)?(?:notes?|letters?)\s+(?:to|for)\s+(?:my\s+|the\s+|each\s+of\s+)?{FAMILY}\b(?!\s+(?:teacher|school|class|coach|doctor|daycare|dentist|lunch|sitter|nanny))",
    ),
    (
        c.PREPARATION,
        r"\b(?:goodbye|farewell|last|final)\s+(?:notes?|letters?)\b|\b(?:wrote|written|writing|left)\s+(?:a|the|my)\s+note\b(?!(?:\s+\w+){0,4}\s+(?:teacher|school|coach|work|boss|employer|doctor|landlord|journal|diary|fridge|calendar|self|myself|sick\s+note)\b)",
    ),
    (
        c.PREPARATION,
        r"\b(?:giving|gave|give|given)\s+away\s+(?:all\s+)?(?:of\s+)?(?:my|all)\s+(?!old\b|spare\b|extra\b|outgrown\b)",
    ),
    (c.PREPARATION, r"\bleaving\s+(?:everything|it\s+all|all\s+my\s+\w+)\s+to\s+(?:my|the)\b"),
    (
        c.PREPARATION,
        r"\b(?:gave|giving|give|given|rehomed|leaving)\s+(?:away\s+)?my\s+(?:cat|cats|dog|dogs|pets?|bird|birds|rabbit|guitar|things|stuff|belongings|jewelry|jewellery|car|books|records)\s+(?:away|to)\b",
    ),
    (
        c.PREPARATION,
        r"\b(?:found|find|finding)\s+(?:a\s+)?(?:new\s+)?homes?\s+for\s+my\s+(?:cat|cats|dog|dogs|pets?|bird|birds|rabbit|fish|plants)|\brehom\w*\s+my\s+(?:cat|cats|dog|dogs|pets?)",
    ),
    (
        c.PREPARATION,
        r"\b(?:who\s+will|someone\s+to|can\s+you|please)\s+(?:take\s+care\s+of|look\s+after|feed|keep)\s+my\s+(?:cat|cats|dog|dogs|pets?|kids|children|babies)\b(?!\s+(?:while|during|for\s+the|when\s+i\s+(?:come|am\s+at|m\s+at)|tomorrow|on))",
    ),
    (
        c.PREPARATION,
        r"\b(?:updated|update|updating|wrote|write|writing|made|make|making|changed|finished|finishing|sorted|signed|did|doing)\s+(?:out\s+)?(?:a|my)\s+will\b|\b(?:affairs|things)\s+in\s+order\b",
    ),
    (
        c.PREPARATION,
        r"\blife\s+insurance\b(?=.*\b(?:pay|pays|payout|cover|covers|if\s+i|when\s+i|beneficiar|suicide|still|would|policy|after)\b)|\b(?:check|checked|checking|read|reading|looked)\s+(?:\w+\s+){0,2}?(?:life\s+insurance|insurance\s+policy)",
    ),
    (
        c.PREPARATION,
        r"\b(?:my|my\s+own)\s+funeral\b|\bfuneral\s+(?:plans?|songs?|arrangements)\s+for\s+me\b|\bbury\s+me\b|\bwhen\s+im\s+gone\b|\bafter\s+im\s+gone\b",
    ),
    (
        c.PREPARATION,
        r"\bso\s+(?:nobody|no\s+one|they|my\s+\w+)\s+(?:has|have|wont\s+have|doesnt\s+have)\s+to\s+(?:deal|clean|find|sort|worry)|\bdeleted\s+(?:all\s+)?(?:of\s+)?my\s+(?:accounts|social\s+media)|\b(?:left|leaving|wrote\s+down)\s+(?:my\s+)?passwords\s+for",
    ),
    # --- Goodbyes and last messages -------------------------------------------------------------
    (
        c.FAREWELL,
        r"\b(?:sorry|love\s+you|forgive|kind|miss\s+you)\b.*\bgoodbye\b|\bgoodbye\b.*\b(?:sorry|love\s+you|forgive|kind|miss\s+you)\b",
    ),
    (
        c.FAREWELL,
        r"\bthis\s+is\s+(?:my\s+)?(?:goodbye|(?:the\s+)?end)\b|\bgoodbye\s+(?:forever|world|everyone|all|cruel|my|for\s+good|friends)|\b(?:final|last)\s+goodbye|\bbye\s+(?:forever|world|everyone\s+forever)|\bsaid\s+(?:my\s+)?goodbyes\b|\b(?:say|saying)\s+goodbye\s+(?:to\s+)?(?:everyone|my\s+\w+|you\s+all|forever)",
    ),
    (
        c.FAREWELL,
        r"\b(?:goodbye|bye)\s+(?:everyone|all|guys|everybody|world|all\s+of\s+you)\b(?=.*\blove\s+(?:you|u|them|all)\b)|\blove\s+you\s+all\b(?=.*\b(?:goodbye|bye|forever|sorry)\b)",
    ),
    (
        c.FAREWELL,
        r"\b(?:last|final)\s+(?:text|message|msg|words|note|time\s+you\s+hear)\s+(?:you(?:ll|\s+will)?\s+(?:ever\s+)?(?:get|hear|receive|read|see)|from\s+me|ever|i\s+(?:will\s+)?(?:ever\s+)?send|ill\s+(?:ever\s+)?send|youll\s+get)",
    ),
    (
        c.FAREWELL,
        r"\b(?:wont|will\s+not|will\s+never|never\s+going\s+to|not\s+going\s+to)\s+(?:hear\s+from|see|be\s+hearing\s+from|talk\s+to|bother)\s+(?:me|you)\s+(?:ever\s+)?again\b(?!\s+(?:until|till|til|before|after|this|today|tomorrow))",
    ),
    (
        c.FAREWELL,
        rf"\btell\s+(?:my|the|our|all\s+my)?\s*{FAMILY}\s+(?:\w+\s+){{0,3}}?(?:love|loved|loves|am\s+sorry|sorry|goodbye)\b",
    ),
    (
        c.FAREWELL,
        r"\b(?:dont|do\s+not)\s+(?:try\s+to\s+|come\s+)?(?:find|look\s+for|search\s+for)\s+me\b",
    ),
    (
        c.FAREWELL,
        r"\bthank\w*\s+(?:you\s+)?(?:so\s+much\s+)?for\s+(?:everything|all\s+you|trying|all\s+your\s+help|always\s+being)\b(?=.*\b(?:goodbye|bye|love\s+(?:you|them|him|her)|tell|sorry|take\s+care\s+of\s+(?:my|them|him|her)|forgive|not\s+your\s+fault|wont|never|last)\b)",
    ),
    (
        c.FAREWELL,
        r"\bsorry\s+for\s+(?:everything|what\s+(?:im|i\s+am)\s+about\s+to|what\s+im\s+going\s+to|what\s+i\s+have\s+to|all\s+the\s+pain|being\s+such\s+a)|\bplease\s+forgive\s+me\b|\bby\s+the\s+time\s+(?:you|anyone|someone)\s+(?:read|reads|see|sees|get|gets|find|finds)\s+this|\bwhen\s+you\s+(?:read|find|get)\s+this\s+(?:i|ill|im)",
    ),
    (
        c.FAREWELL,
        r"\b(?:this\s+(?:is|will\s+be|s)|its|heres)\s+(?:my|the)\s+(?:last|final)\s+(?:text|message|msg|words|note)\b(?!\s+(?:before|for\s+(?:today|tonight|now)|tonight|today|i\s+promise|of\s+the\s+day))",
    ),
    (
        c.FAREWELL,
        r"\bfor\s+what\s+(?:im|i\s+am|ive)\s+(?:going\s+to|gonna|about\s+to|decided\s+to)\s+do\b|\b(?:dont|please\s+dont|try\s+not\s+to)\s+(?:be\s+mad|hate\s+me|be\s+angry|blame\s+yourself|blame\s+yourselves|be\s+sad)\b|\bif\s+(?:you|anyone|someone)\s+(?:read|reads|find|finds|get|gets)\s+this\b(?!\s+(?:can|could|please|call|let))",
    ),
    (
        c.FAREWELL,
        r"\bsee\s+you\s+(?:on\s+the\s+other\s+side|in\s+(?:the\s+next|another)\s+life|in\s+heaven)|\b(?:going|go)\s+(?:away\s+)?(?:to\s+)?a\s+better\s+place|\bgoing\s+away\s+(?:forever|for\s+good)|\band\s+(?:not|never)\s+coming\s+back\b|\b(?:im|i\s+am)\s+(?:not|never)\s+coming\s+back\s*(?:\.|$|ever|this\s+time)|\bleave\s+this\s+(?:world|earth|life)",
    ),
    # --- Wanting to die (passive ideation) ------------------------------------------------------
    # "want to die", "wanna die", "ready to die", "let me die"; idioms were blanked before.
    (
        c.WANT_TO_DIE,
        r"\b(?:to|wanna|gonna|i|id|me|just|should|rather|could|would|lets|might|ill)\s+(?:just\s+|really\s+|fucking\s+|actually\s+|simply\s+|quietly\s+|finally\s+)?die\b",
    ),
    (
        c.WANT_TO_DIE,
        r"\b(?:wish|want|wanna|rather|hope|should|ready|prefer|deserve|need)\w*\s+(?:\w+\s+){0,2}?(?:be|being|was|were|am|im)\s+dead\b",
    ),
    (
        c.WANT_TO_DIE,
        r"\bwish\w*\s+(?:that\s+)?(?:i|id)\s+(?:\w+\s+){0,2}?(?:dead|die|died|never\s+born|not\s+born|wasnt\s+born|didnt\s+exist|never\s+existed|wasnt\s+alive|wasnt\s+here|werent\s+here|was\s+gone|were\s+gone|disappear|could\s+(?:just\s+)?(?:sleep|vanish|stop|not\s+wake|fade|disappear|slip\s+away)|(?:wouldnt|didnt|dont|wont|never)\s+wake\s+up)\b",
    ),
    (c.WANT_TO_DIE, r"\bbetter\s+off\s+dead\b|\bshould\s*(?:have|of|ve)\s+died\b"),
    (
        c.WANT_TO_DIE,
        rf"\b{DONT}\s+(?:really\s+|even\s+)?(?:want|wanna|wish|feel\s+like|care\s+to)\s+(?:to\s+)?(?:live|living|be\s+alive|exist|be\s+here|be\s+around|keep\s+living|wake\s+up|see\s+tomorrow|(?:go\s+on|carry\s+on|keep\s+going)\b{OUTING})",
    ),
    (
        c.WANT_TO_DIE,
        r"\b(?:want|wanna|wish|would\s+like|like)\s+(?:to\s+)?(?:just\s+)?not\s+(?:exist|be\s+alive|be\s+here|wake\s+up|be\s+around|be\s+born|feel\s+anything\s+ever)",
    ),
    (
        c.WANT_TO_DIE,
        r"\b(?:hope|wish|pray)\w*\s+(?:that\s+)?i\s+(?:dont|do\s+not|wont|never|wouldnt|didnt|will\s+not)\s+wake\s+up|\bsleep\s+(?:and\s+)?(?:never|not)\s+wake\s+up|\bsleep\s+forever|\bfall\s+asleep\s+(?:and\s+)?(?:never|not)",
    ),
    (
        c.WANT_TO_DIE,
        rf"\b{WANT}\w*\s+(?:for\s+)?death\b|\b(?:death|dying|being\s+dead)\s+(?:would\s+be|sounds|seems|feels|looks)\s+(?:\w+\s+)?(?:relief|better|easier|nice|good|peaceful|welcome|like\s+(?:a\s+)?relief)",
    ),
    (
        c.WANT_TO_DIE,
        rf"\b{WANT}\w*\s+(?:to\s+)?(?:just\s+)?stop\s+breathing\b|\b(?:stop|quit)\s+(?:living|existing|being\s+alive)\b|\bfe\w*\s+like\s+dying\b|\b(?:think|thinking|thought|thoughts)\s+(?:about|of)\s+(?:dying|death|being\s+dead|not\s+being\s+(?:here|alive)|not\s+existing|ending)",
    ),
    (
        c.WANT_TO_DIE,
        rf"\b{WANT}\w*\s+(?:to\s+)?(?:just\s+)?(?:disappear|vanish|not\s+be\s+here|fade\s+away|fade\s+out|slip\s+away)\b(?!\s+(?:into|on\s+(?:a|vacation|holiday)|to\s+(?:the|a)|under)\b)|\b(?:want|wanted|wanna|wish|wished|need|needed)\w*\s+(?:(?:it|the\s+pain|this\s+pain|everything|this|all\s+of\s+(?:this|it)|this\s+life|my\s+life|life)\s+(?:all\s+)?to\s+(?:end|stop|be\s+over)|(?:it\s+)?all\s+to\s+(?:end|stop|be\s+over)|to\s+(?:end|stop)\s*(?:\.|$))|\bwish\s+(?:it|this|everything)\s+(?:would|could)\s+(?:all\s+)?(?:just\s+)?(?:end|stop|be\s+over)",
    ),
    (
        c.WANT_TO_DIE,
        r"\b(?:dont|wouldnt|doesnt)\s+(?:care|mind)\s+(?:if|whether)\s+i\s+(?:\w+\s+)?(?:die|died|live|lived|wake|woke|didnt\s+wake|make\s+it|got\s+hit|crash)|\bhope\s+(?:a|the|some)\s+(?:car|bus|truck|train)\s+hits\s+me|\bhope\s+i\s+(?:die|crash|get\s+hit)|\b(?:someone|something)\s+(?:would|will|could)\s+(?:just\s+)?kill\s+me",
    ),
    (
        c.WANT_TO_DIE,
        r"\b(?:should|could|need\s+to|better|might\s+as\s+well|gonna|going\s+to)\s+(?:just\s+)?(?:disappear|vanish|stop\s+existing|not\s+be\s+here|not\s+exist)\b(?!\s+(?:into|for\s+the\s+weekend|on\s+vacation))|\bshouldnt\s+(?:be\s+alive|exist|be\s+here|have\s+been\s+born)|\bdeath\s+wish\b|\bwhat\s+if\s+i\s+(?:just\s+)?(?:died|didnt\s+wake|disappeared|wasnt\s+here|killed|ended|jumped)",
    ),
    (
        c.WANT_TO_DIE,
        r"\b(?:want|wanna|wish|need|ready)\s+(?:to\s+)?(?:just\s+)?(?:be\s+)?gone\b(?!\s+(?:for|on|by|from|to|when|before|until|already)\b)|\bbetter\s+off\s+not\s+(?:here|alive|existing|around|being\s+here|living)",
    ),
    (
        c.WANT_TO_DIE,
        r"\bready\s+to\s+(?:go|leave)\s+(?:forever|for\s+good|this\s+world|this\s+earth)|\b(?:i\s+)?want\s+out\b(?!\s+of\s+(?:the|this|my)\s+(?:contract|lease|job|plan|group|program))|\bdont\s+deserve\s+to\s+(?:live|be\s+alive|be\s+here|exist)",
    ),
    # --- Burden, "better off without me" --------------------------------------------------------
    (
        c.BURDEN,
        r"\bbetter\s+off\s+(?:\w+\s+){0,10}?(?:me\s+gone|without\s+me|im\s+gone|i\s+was\s+gone)\b|\bbetter\s+off\s+(?:gone|without\s+me)|\bbetter\s+without\s+me\b|\bbetter\s+off\s+(?:\w+\s+){0,2}?if\s+i\s+(?:\w+\s+)?(?:was|were|wasnt|werent|didnt|died|disappeared|left|never|am|dead|gone)",
    ),
    (
        c.BURDEN,
        r"\b(?:happier|easier|better|fine|ok|okay)\s+(?:off\s+)?(?:without\s+me|if\s+i\s+(?:was|were|wasnt|werent|didnt|died|disappeared|was\s+gone|were\s+gone)\b)",
    ),
    (
        c.BURDEN,
        r"\b(?:a|such\s+a|nothing\s+but\s+a|just\s+a|being\s+a|be\s+a)\s+(?:huge\s+|big\s+|total\s+)?burden\b|\bburden\s+(?:to|on|for)\s+(?:everyone|my|them|you|all)|\bwaste\s+of\s+(?:space|oxygen|air|skin)",
    ),
    (
        c.BURDEN,
        r"\b(?:nobody|no\s+one|none\s+of\s+them|who)\s+(?:would|will|wouldnt|even|really|ever|would\s+even|will\s+even)?\s*(?:\w+\s+)?(?:notice|care|miss|mourn)\w*\s+(?:if\s+i|me|about\s+me|when\s+i|that\s+im|if\s+im|im\s+gone|i\s+was\s+gone|i\s+left|i\s+disappeared)",
    ),
    (
        c.BURDEN,
        r"\bif\s+i\s+(?:just\s+|simply\s+|was\s+to\s+|were\s+to\s+)?(?:died|disappeared|was\s+gone|were\s+gone|wasnt\s+here|werent\s+here|wasnt\s+around|was\s+dead|were\s+dead|killed\s+myself|never\s+existed|vanished|didnt\s+exist|die|disappear)\b",
    ),
    (
        c.BURDEN,
        r"\b(?:nobody|no\s+one)\s+(?:would|will)\s+(?:even\s+|really\s+)?(?:care|notice|miss\s+me)\s*(?:\.|$)|\b(?:would|will)\s+(?:keep\s+going|be\s+fine|go\s+on|keep\s+spinning|carry\s+on|move\s+on)\s+without\s+me\b",
    ),
    (
        c.BURDEN,
        r"\b(?:nobody|no\s+one)\s+(?:needs|wants|loves|likes)\s+me\b|\bdeserves?\s+better\s+than\s+me\b|\bdoing\s+(?:everyone|them|the\s+world)\s+a\s+favou?r\b",
    ),
    (
        c.BURDEN,
        r"\b(?:i|im)\s+(?:just\s+)?(?:ruin|ruins|ruining|destroy|destroying)\s+(?:everything|everyones\s+life|everyones\s+lives|their\s+lives)",
    ),
    # --- No reason to live ---------------------------------------------------------------------
    (
        c.NO_REASON_TO_LIVE,
        r"\b(?:no|not\s+any|lost\s+(?:the|my|all|any)|without\s+(?:a|any))\s+(?:real\s+)?(?:reason|point|purpose|will|desire)\s+(?:to|for|in|of)\s+(?:me\s+to\s+|me\s+|my\s+)?(?:live|living|life|be\s+alive|being\s+alive|go\s+on|going\s+on|keep\s+going|exist|existing|be\s+here|being\s+here|wake\s+up)\b",
    ),
    (c.NO_REASON_TO_LIVE, r"\bnothing\s+(?:left\s+)?(?:to\s+)?live\s+for\b"),
    (
        c.NO_REASON_TO_LIVE,
        r"\b(?:cant|dont|do\s+not|cannot|couldnt)\s+(?:see|find|have|think\s+of)\s+(?:any|a|one)\s+(?:good\s+|single\s+|real\s+)?(?:reason|point|purpose)\s+to\s+(?:live|living|keep\s+going|go\s+on|be\s+alive|exist|be\s+here|stay|keep\s+living|wake\s+up|carry\s+on|continue)\b|\b(?:my\s+)?life\s+is\s+over\b",
    ),
    (
        c.NO_REASON_TO_LIVE,
        r"\bwhy\s+(?:do\s+|should\s+|would\s+)?(?:i\s+)?(?:even\s+)?(?:bother|keep)\s+(?:living|going\s+on|trying|waking\s+up|being\s+alive|existing|breathing)|\bwhy\s+(?:am\s+i|im)\s+(?:even\s+|still\s+){0,2}(?:alive|here|living)\b|\bwhy\s+(?:do\s+i|should\s+i)\s+(?:even\s+)?(?:exist|live)\b",
    ),
    (
        c.NO_REASON_TO_LIVE,
        r"\b(?:dont|cant|do\s+not|cannot|no\s+longer)\s+see\s+(?:the|a|any)\s+point\b(?!\s+(?:of|in)\s+(?:this|the|that|these|paying|coming|doing\s+(?:this|the))\b)|\bsee\s+no\s+point\b|\b(?:life|living|everything|it\s+all|existence|my\s+life|existing)\s+(?:is|feels|seems|s)\s+(?:so\s+|just\s+|completely\s+|totally\s+)?(?:pointless|meaningless|hopeless|worthless)",
    ),
    (
        c.NO_REASON_TO_LIVE,
        r"\b(?:whats|what\s+is)\s+(?:even\s+)?the\s+point\s+(?:of|in)\s+(?:living|life|going\s+on|being\s+alive|existing|being\s+here)",
    ),
    (
        c.NO_REASON_TO_LIVE,
        r"\b(?:not|isnt|aint|never|no\s+longer)\s+(?:\w+\s+)?worth\s+(?:living|being\s+alive|it\s+anymore|it\s+any\s+more|it\s+to\s+live)",
    ),
    (
        c.NO_REASON_TO_LIVE,
        r"\b(?:tired|sick|weary|exhausted)\s+of\s+(?:living|life|being\s+alive|existing|being\s+here)\b|\bdone\s+(?:with\s+)?(?:life|living|being\s+alive|existing)\b",
    ),
    # --- Hopelessness ----------------------------------------------------------------------------
    # "what's the point", "what's the point anymore"; not "the point of this meeting".
    (
        c.HOPELESSNESS,
        r"\bwhats?\s+(?:even\s+)?the\s+point\b(?!\s+(?:of|in)\s+(?:this|the|that|a|an|these|those|having|going\s+to|coming|doing\s+(?:this|the|that)|paying|asking|filling|answering|it\s+if|you|your|my\s+(?:appointment|session|check)|me\s+(?:coming|doing))\b)",
    ),
    (
        c.HOPELESSNESS,
        r"\b(?<!not )(?<!never )(?<!isnt )(?<!arent )hopeles\w*\b(?!\s+(?:at|with|romantic|case\s+at))|\bworthles\w*\b|\bpointles\w*\s+(?:to\s+)?(?:living|life|existing|trying|anymore)",
    ),
    (
        c.HOPELESSNESS,
        r"\b(?:no|theres\s+no|there\s+is\s+no|dont\s+see\s+(?:a|any)|cant\s+see\s+(?:a|any)|see\s+no)\s+(?:way\s+out|way\s+forward|future|hope|light\s+at\s+the\s+end|end\s+in\s+sight|point\s+in\s+(?:anything|trying|going\s+on))\b(?!\s+of\s+(?:getting|finding|winning|making))",
    ),
    (
        c.HOPELESSNESS,
        r"\b(?:never|wont\s+ever|will\s+not\s+ever|not\s+ever|nothing\s+(?:is\s+)?(?:will\s+)?ever|nothing\s+(?:is\s+)?(?:going\s+to|gonna)|nothing\s+ever|its\s+not\s+going\s+to|its\s+never\s+going\s+to)\s+(?:\w+\s+){0,3}?(?:get|gets|getting|be|change|improve|going\s+to\s+get)\s+(?:any\s+)?(?:better|change|different)\b(?!\s+(?:at|with|in)\b)|\bnothing\s+(?:will\s+)?(?:ever\s+)?changes?\b",
    ),
    (
        c.HOPELESSNESS,
        r"\b(?:i|im|ive|about\s+to|ready\s+to|want\s+to|wanna|going\s+to|gonna)\s+(?:just\s+|totally\s+|completely\s+)?(?:give|giving|given|gave)\s+up\b(?!\s+(?:on\s+(?:the|that|this|my\s+(?:diet|job|car|gym|plans|search))|sugar|coffee|caffeine|alcohol|drinking|smoking|meat|dairy|carbs|my\s+seat|my\s+spot|the|trying\s+to\s+(?:find|get|call)))",
    ),
    (
        c.HOPELESSNESS,
        r"\bnothing\s+matters\b(?!\s+(?:more|as\s+much))|\b(?:feel|feeling|felt|im|so)\s+(?:so\s+|completely\s+|totally\s+)?trapped\b(?!\s+(?:in\s+traffic|at\s+work|in\s+the\s+(?:elevator|car|snow|lift)))",
    ),
    # --- Can't go on -----------------------------------------------------------------------------
    (c.CANT_GO_ON, rf"\b{CANT}\s+(?:go\s+on|carry\s+on|keep\s+going)\b{OUTING}"),
    (
        c.CANT_GO_ON,
        rf"\b{CANT}\s+(?:do|take|handle|stand|bear|cope\s+with|cope|live\s+with|keep\s+doing|keep\s+living|keep\s+fighting|keep\s+pretending|deal\s+with)\s+(?:(?:it|this|life|living|the\s+pain|this\s+pain|myself|anything|any\s+of\s+(?:it|this))\s+)?{ANYMORE}",
    ),
    (
        c.CANT_GO_ON,
        rf"\b{CANT}\s+live\s+like\s+this\b|\b{CANT}\s+do\s+this\s*(?:\.|$)|\bi\s+(?:just\s+)?cant\s+anymore\b|\b{CANT}\s+keep\s+(?:doing\s+this|living\s+like|fighting|going)\b",
    ),
    (
        c.CANT_GO_ON,
        r"\bgiv(?:e|ing)\s+up\s+on\s+(?:life|living|everything|myself)|\bgave\s+up\s+on\s+(?:life|myself|everything)",
    ),
    # "I'm done", "I'm done with everything"; not "I'm done with work" or "done for today".
    (
        c.CANT_GO_ON,
        r"\b(?:im|i\s+am)\s+(?:so\s+|just\s+|really\s+|fucking\s+|honestly\s+|officially\s+|completely\s+)?done\b(?!\s+(?:with\s+(?:the|my\s+(?:shift|work|homework|survey|questions|check|session|appointment|meds|chores|laundry|exam|lunch|dinner|breakfast|taxes)|work|it\s+now|that|those|these|today|for\s+today|for\s+the\s+day|for\s+now|school|class|(?:this|the)\s+(?:heat|weather|rain|cold|snow|traffic|job|class|week|commute|noise|show|game))|for\s+(?:the\s+day|today|now|tonight|the\s+week)|eating|working|answering|now|here|filling|cooking|cleaning|packing|shopping|with\s+dinner)\b)",
    ),
    (
        c.CANT_GO_ON,
        r"\b(?:tired|sick|exhausted)\s+of\s+(?:fighting|trying|pretending|everything|it\s+all|this\s+life|feeling\s+like\s+this|being\s+me)\b|\b(?:done|finished)\s+(?:fighting|trying)\b|\btoo\s+tired\s+to\s+(?:keep\s+going|fight|keep\s+fighting|go\s+on)|\bive\s+had\s+enough\b(?!\s+of\s+(?:the|this\s+(?:weather|rain|traffic|job)|work|coffee|food|sleep))",
    ),
)

"""The pattern tables: what each category reads as crisis language, and the idioms that only
look like it.

Patterns are read on the squeezed word forms (normalise.py) and written in ordinary spelling;
each says what it is for. Within a category the order does not matter; across categories
``categories.ORDER`` decides which one names a message that matches several. Negation is never
interpreted ("I'm not suicidal but..." flags): a clinician reads the message.
"""

import followup.clinical.crisis_language.acts as acts
import followup.clinical.crisis_language.categories as c
import followup.clinical.crisis_language.thoughts as thoughts
from followup.clinical.crisis_language.fragments import SELF

# Idioms blanked out before the patterns run, each as narrow as it can be, so "my phone is about
# to die, I want to die" still flags on its second half.
IDIOMS: tuple[str, ...] = (
    # A device, a plant or a car dying.
    r"\b(?:phone|battery|laptop|computer|car|plants?|charger|ipad|tablet|tv|fridge|printer"
    r"|headphones|airpods|pen|flashlight|torch|kindle|watch|iphone|cell|engine|wifi|internet)"
    r"\s+(?:is\s+|was\s+|s\s+|about\s+|going\s+|gonna\s+|just\s+|finally\s+|almost\s+)*"
    r"(?:to\s+)?(?:die|died|dying|dead)\b",
    # "my phone is on 2 percent, about to die": a device, its charge, then dying.
    r"\b(?:phone|battery|laptop|charger|ipad|iphone|cell)\s+(?:is|s)\s+(?:on|at|down\s+to)\s+"
    r"\d+\s*(?:percent)?\s+(?:and\s+|so\s+)?(?:about|going|gonna)\s+(?:to\s+)?die\b",
    r"\b(?:killing|kill|kil)\s+(?:some\s+)?time\b",  # killing time
    r"\bkill(?:ing|ed)\s+it\b",  # doing well
    # "this traffic is killing me", "my feet are killing me": pain or annoyance.
    r"\b(?:is|are|was|its|were|s|keeps|keep|been)\s+(?:\w+\s+)?killing\s+me\b(?!\s+(?:inside|slowly))",
    r"\bdying\s+(?:to|for)\s+(?:see|try|know|get|go|meet|have|hear|eat|watch|tell|a|some)\b",
    r"\b(?:to\s+die|die|dying)\s+for\b(?!\s+(?:weeks|days|months|years|a\s+while|so\s+long|ages|some\s+time|a\s+long))",  # "a cake to die for", "I'd die for my kids"
    r"\b(?:bored|scared|frightened|worried|tickled|sick)\s+(?:me\s+)?to\s+death\b",
    r"\b(?:laughed|laughing|laugh)\s+(?:so\s+hard\s+)?(?:i\s+)?(?:died|to\s+death)|\bdying\s+(?:of\s+)?laugh",
    r"\bdead\s+(?:tired|serious|set|end|last|beat|center|heat|wrong|right|on)\b|\bdeadline",
    r"\bkill\s+(?:two|to)\s+birds\b|\b(?:could|would)\s+kill\s+for\b",
    r"\b(?:cut|cutting|trim|trimmed)\s+(?:my|his|her|the\s+kids|our)\s+(?:hair|bangs|nails|fringe)\b",
    r"\bthe\s+bridge\s+(?:was|is|s)\s+(?:closed|out|backed|jammed|busy|under)\b",
    r"\bshoot\s+(?:me|you)\s+(?:a|an)\s+(?:text|email|message|call|note|line)\b",
    # Accidents: "cut myself shaving", "burned myself on the oven".
    r"\b(?:cut|burned|burnt|nicked)\s+myself\s+(?:shaving|cooking|on\s+the\s+(?:oven|stove|pan"
    r"|grill|iron|kettle|tray))\b",
    # A film or a book with a suicide in it, not said of oneself.
    r"\b(?:movie|show|book|film|episode|series|article|podcast)\s+(?:had|has|with|about|was\s+about)"
    r"\s+(?:a\s+)?suicide\b(?!\s+(?:and|so)\s+i)",
)

# (category, pattern): each a general shape of crisis language, in acts.py and thoughts.py.
PATTERNS: tuple[tuple[str, str], ...] = acts.ROWS + thoughts.ROWS

# Read before squeezing, where a doubled letter changes the word.
UNSQUEEZED_PATTERNS: tuple[tuple[str, str], ...] = (
    # "off myself" ("I want to off myself"), but not "proud of myself".
    (c.KILL_SELF, rf"\bof{{2,}}(?:ing|ed)?\s*{SELF}"),
    # "noose", which squeezes to "nose".
    (c.MEANS_ACCESS, r"\bno{2,}ses?\b"),
)

# Read on the lowered text with its punctuation: "OD", "o.d.", "OD'd", "ODing"; not "odd", "Odin".
LOWERED_PATTERNS: tuple[tuple[str, str], ...] = (
    (c.OVERDOSE, r"\bo[./]?d\.?(?:'(?:d|ed|ing|in|s)|ed|ing|s)?(?![a-z'])"),
)

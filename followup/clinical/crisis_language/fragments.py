"""Pieces the pattern tables share, in ordinary spelling (squeezed with the pattern that uses
them, so "pills" is written here and read as "pils")."""

SELF = r"(?:my\s*self|me\s*self)"
CANT = r"(?:cant|cannot|can\s+not|cnt|couldnt)"
DONT = r"(?:dont|do\s+not|didnt|never|no\s+longer)"
WANT = r"(?:want|wanted|wanna|wish|wished)"
GOING_TO = r"(?:going\s+to|gonna|will|ill|im\s+gonna|im\s+going\s+to|about\s+to|want\s+to|wanna)"
# Medicines: every name in drug_names.txt is read as "pills" by the normalisation.
PILLS = (
    r"(?:pills?|meds|medications?|medicine|tablets?|capsules?|caps|tabs|bottle|opioids?"
    r"|opiates|benzos?|insulin|painkillers?|sleeping\s+pills)"
)
# Many: five or more, or a handful, a bottle. Two or four Tylenol for a headache is a dose.
MANY = (
    r"(?:[5-9]|[1-9][0-9]+|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|hundred"
    r"|a\s+dozen|dozens|a\s+handful|handfuls|a\s+bunch|a\s+lot|lots|loads|a\s+ton|tons"
    r"|(?:half\s+)?(?:a|the|my|his|her)\s+(?:whole\s+)?(?:bottle|box|pack|packet|strip|blister)"
    r"|the\s+rest|everything|all)"
)
# What a count counts when it is not pills: time, distance, money, people.
UNIT = (
    r"(?:mg|mcg|ml|g|grams?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|yrs?"
    r"|seconds?|secs?|steps?|miles?|kms?|k|pounds?|lbs?|dollars|bucks|photos?|pictures?"
    r"|pics?|calls?|times?|people|patients|questions|emails|texts|am|pm|oclock|percent|am"
    r"|of\s+(?:us|you|them\s+to)|deep\s+breaths|breaths|laps|reps|sets|units|points|classes"
    r"|to\s+\d|more|or\s+so\s+(?:minutes|hours))"
)
# A routine dose, not an overdose: "I take 6 pills every morning".
ROUTINE = (
    r"(?:\s+\w+){0,4}\s+(?:a|per|each|every|at|in\s+the|with)\s+(?:day|morning|night|evening"
    r"|week|bedtime|breakfast|dinner|meal|meals)\b|(?:\s+\w+){0,4}\s+(?:daily|as\s+prescribed"
    r"|as\s+usual|like\s+always|like\s+normal|like\s+i\s+always\s+do)\b"
)
# "go on", but not "go on Tuesday", "go on the trip" or "go on medication".
OUTING = (
    r"(?!\s+(?:(?:mon|tue|wed|thu|fri|sat|sun)\w*|the|a|an|at|to|next|holiday|vacation|trip"
    r"|leave|time|my|medication|meds|pills|with\s+(?:the|work|school)|about|and\s+on)\b)"
)
ANYMORE = r"(?:anymore|any\s+more|no\s+more|much\s+longer|any\s+longer)"
# "end", but not "in the end it worked out".
END = r"(?<!the )\b(?:end|ending|ended)"
FAMILY = (
    r"(?:kids|children|son|daughter|wife|husband|partner|mom|mum|mother|dad|father|parents"
    r"|family|sister|brother|babies|baby|girls|boys|boyfriend|girlfriend|friends|grandkids"
    r"|everyone|everybody|all\s+of\s+you|them|him|her)"
)
HEIGHT = (
    r"(?:bridge|roof|rooftop|ledge|cliff|clif|parking\s+(?:garage|structure|deck|ramp)|overpass"
    r"|balcony|top\s+floor|tower|railing|edge)"
)
WATER = r"(?:ocean|sea|lake|river|water|waves|surf|bay|creek)"
FIREARM = r"(?:guns?|pistol|handgun|revolver|rifle|shotgun|firearms?|glock|ammo|bullets?)"
NOT_A_FIREARM = r"(?<!water )(?<!nerf )(?<!glue )(?<!staple )(?<!nail )(?<!heat )(?<!toy )(?<!top )"

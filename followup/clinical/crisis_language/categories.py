"""The categories a crisis-language match is filed under.

Stable strings: they are stored in a flag's evidence (never the patient's words), so a category
is never renamed; a new kind of crisis language gets a new one. Ordered from the most acute:
when a message matches several, the first in ``ORDER`` names it.
"""

OVERDOSE = (
    "overdose"  # an overdose taken or under way: "took 20 of my xanax", "swallowed the bottle"
)
PLAN_INTENT = "plan_intent"  # a plan, a time, a decision: "I have a plan", "tonight's the night"
MEANS_ACCESS = "means_access"  # getting or keeping the means: saved pills, a rope, a gun, a ledge
SUICIDE_METHOD = "suicide_method"  # a way of dying said of oneself: "hang myself", "jump off"
COMMAND_HALLUCINATION = "command_hallucination"  # "the voices tell me to hurt myself"
# All nine PHQ-9 answers in one text, item 9 above 0: "3, 2, 1, 0, 2, 3, 1, 2, 3".
ITEM_9_LISTED = "item_9_listed"
SUICIDE = "suicide"  # the word and its disguises: "suicidal", "sewerslide", "unalive"
KILL_SELF = "kill_self"  # "kill myself", "kms"
END_LIFE = "end_life"  # "end it all", "take my own life"
SELF_HARM = "self_harm"  # cutting, burning, hitting oneself
PREPARATION = "preparation"  # letters, giving things away, a will, insurance, a funeral
FAREWELL = "farewell"  # goodbyes, "this is the last text you'll get from me"
WANT_TO_DIE = "want_to_die"  # passive ideation: "I want to die", "I just want to not exist"
BURDEN = "burden"  # "they'd be better off without me", "nobody would notice if I was gone"
NO_REASON_TO_LIVE = "no_reason_to_live"  # "nothing to live for", "what's the point of living"
HOPELESSNESS = "hopelessness"  # "what's the point", "it will never get better", "no way out"
CANT_GO_ON = "cant_go_on"  # "I can't do this anymore", "I'm done"
# Crisis language in words the phrase tables do not list, recognised by the trained reader
# (semantic.py): "tired. really tired. the forever kind", "the cat's going to my mom's".
UNLISTED = "unlisted"

ORDER = (
    OVERDOSE,
    PLAN_INTENT,
    MEANS_ACCESS,
    SUICIDE_METHOD,
    COMMAND_HALLUCINATION,
    ITEM_9_LISTED,
    SUICIDE,
    KILL_SELF,
    END_LIFE,
    SELF_HARM,
    PREPARATION,
    FAREWELL,
    WANT_TO_DIE,
    BURDEN,
    NO_REASON_TO_LIVE,
    HOPELESSNESS,
    CANT_GO_ON,
    UNLISTED,
)

"""What a character says in each emotion, how they say it, and what the body shows besides the face.

Animators and users often describe a performance the way a script does: by
the spoken line and its delivery (``(under her breath) "..."``, ``ANNA, voice
shaking: "..."``), or by signs of the body that are no facial action (trembling
hands, slumped shoulders, a flushed neck). Sentence embeddings place such
wording by what the line or the sign means, so ``P_text`` needs to have seen
them. Three fields of the description templates
(:mod:`medtalk.guidance.wording`):

- ``{line}``: a short spoken line, quoted by the template, with its own final
  punctuation;
- ``{delivery}``: the manner of speaking, an adverbial that fits
  ``"({delivery})"``, ``"ANNA, {delivery}: ..."`` and ``"..., she says, {delivery}."``;
- ``{body}``: a bodily sign, a noun phrase that fits ``"with {body}"``.

General English, written for the generator; like every other word it writes,
no entry may hold a degree word (:data:`medtalk.guidance.wording.DEGREES`) or a
facial action's phrase (:mod:`medtalk.guidance.actions`), and
``tests/test_guidance_heldout.py`` keeps its vocabulary apart from the held-out
descriptions.
"""

from __future__ import annotations

LINES: dict[str, tuple[str, ...]] = {
    "angry": (
        "Get out of my house!", "How dare you!", "I've had it with you!", "Who do you think you are?",
        "That's the last time you lie to me.", "Shut up and listen!", "You did this on purpose, didn't you?",
        "I want an answer, now!", "This is unacceptable!", "Give it back, it's mine!",
        "Do I look like I'm joking?", "You had one job!", "Don't touch me!", "I'm done with your excuses.",
        "Say that again, I dare you.", "Why is nobody listening to me?", "You'll pay for this!",
        "Enough! I said enough!", "Back off, all of you!", "Not one more word!", "Whose idea was this?",
        "You broke your promise again!", "I told you a hundred times!",
    ),
    "disgust": (
        "Ugh, what is that smell?", "That's revolting.", "Get it away from me!", "Who left this in the fridge?",
        "I think I'm going to be sick.", "Gross, it's all slimy.", "How can you eat that?",
        "Yuck, there's hair in it.", "Wash your hands first, please!", "It tastes like something died in it.",
        "I can't even look at it.", "Eww, did you just lick that?", "Have you no shame?",
        "You make my skin crawl.", "Put your shoes back on, please.", "The bathroom is a disgrace.",
        "Bleurgh, it's gone off.", "What a creep.", "Keep your germs to yourself.",
        "That's the nastiest thing I've ever seen.",
    ),
    "fear": (
        "Did you hear that?", "Please, don't hurt me.", "Who's there?", "We have to get out of here, now.",
        "Lock the door! Lock it!", "What if they find us?", "Something's moving in the dark.",
        "Please, just let me go.", "Don't leave me alone in here.", "Is it still out there?",
        "I think someone's following me.", "Help! Somebody help me!", "Stay back! Stay away from me!",
        "What was that noise?", "Please tell me it's not him.", "I don't want to die.", "Where is everyone?",
        "Run!", "Why are the lights off?", "Don't open that door.",
    ),
    "happy": (
        "This is the best day ever!", "I got the job!", "Thank you, thank you so much!", "We did it!",
        "Oh, I love it!", "Let's celebrate!", "Happy birthday, sweetheart!", "What a gorgeous morning.",
        "I passed! I passed!", "You've made my day.", "I couldn't ask for more.", "Ha! That's hilarious.",
        "Cheers, everyone!", "Isn't this wonderful?", "I'm so proud of you.", "Yes! Yes! Yes!",
        "It's perfect, just perfect.", "Best. Present. Ever.", "I haven't laughed like that in years.",
        "Look at you, all grown up!", "Dinner's on me tonight!", "Life is good.",
    ),
    "neutral": (
        "What time is it?", "Could you pass the salt?", "Your order number is forty-two.",
        "Turn left at the second set of lights.", "The meeting has moved to Thursday.", "Please take a seat.",
        "I'll have the soup, thanks.", "The printer is on the second floor.",
        "It says here the shop opens at nine.", "Let me check the calendar.", "Page forty, paragraph two.",
        "Do you want tea or coffee?", "The forecast says cloudy tomorrow.", "Sign here, and here.",
        "Item three: the budget.", "OK, noted.", "The parcel should arrive on Monday.",
        "I'm going to the shop, need anything?", "Platform four for the eleven o'clock.",
        "Can you spell your surname?", "The car park closes at six.", "Your table is ready.",
    ),
    "sad": (
        "I miss her so much.", "It's over, isn't it?", "Why did you have to go?", "I just want to go home.",
        "Nobody cares anyway.", "I'm sorry. I'm so sorry.", "It should have been me.", "I can't do this anymore.",
        "Everything reminds me of you.", "I tried, I tried so hard.", "Please don't go.",
        "We were going to grow old together.", "There's nothing left.", "I'll never see him again.",
        "What's the point?", "I thought you loved me.", "I wish things were different.",
        "She didn't even say goodbye.", "All those years, gone.", "I'm fine. Honestly, I'm fine.",
        "Just leave me be.", "I let everyone down.",
    ),
    "surprised": (
        "No way!", "You're kidding me!", "Wait, what?", "Is that you? After all these years?",
        "I don't believe it!", "How did you get in here?", "You did what?", "Oh my goodness!",
        "Twins? Both of them?", "Hold on, say that again.", "It was you all along?", "Seriously?", "Whoa!",
        "Since when do you cook?", "That's impossible!", "Who would have thought?", "Oh! I didn't see you there.",
        "It's snowing? In June?", "What on earth is this?", "They said yes?", "Hang on, you're married?",
        "How did you know?",
    ),
}

DELIVERIES: dict[str, tuple[str, ...]] = {
    "angry": (
        "barking the words", "at the top of the lungs", "in a clipped, icy tone", "jabbing the air with each word",
        "in a hiss", "slamming the words down", "in a roar", "with cold menace",
    ),
    "disgust": (
        "holding back a gag", "with a shudder", "drawing the word out in distaste", "muffled behind a hand",
        "in a tone dripping with contempt", "with a shiver of revulsion", "with a retch",
    ),
    "fear": (
        "in a whisper", "stammering", "breathlessly", "hardly above a whisper", "hushed and urgent",
        "in a frantic gabble", "words tumbling out", "in a tremulous murmur", "pleading", "faltering",
    ),
    "happy": (
        "laughing", "bubbling over", "cheerfully", "breathless with excitement", "with a whoop", "with a chuckle",
        "gushing", "with a merry lilt",
    ),
    "neutral": (
        "flatly", "in an even tone", "without looking up", "in a plain, conversational tone", "in a monotone",
        "politely", "at normal volume", "evenly", "in an ordinary tone", "without emphasis",
    ),
    "sad": (
        "in a near whisper", "between sobs", "haltingly", "softly, looking at the floor", "with a shaky sigh",
        "trailing off", "in a hoarse murmur", "hardly audible", "with a sniff", "in a small murmur",
    ),
    "surprised": (
        "with a gasp", "blurting it out", "in a squeak", "half laughing in disbelief", "stammering in shock",
        "sputtering", "with a yelp", "with a shriek", "in a stunned murmur",
    ),
}

BODY_SIGNS: dict[str, tuple[str, ...]] = {
    "angry": (
        "a red, blotchy neck", "arms folded hard across the chest", "a finger jabbing the air",
        "hands slammed on the table", "a heaving chest", "feet planted wide", "a chair kicked back",
        "a finger pointed like a weapon",
    ),
    "disgust": (
        "a hand over the mouth", "a hand waving away the smell", "a gagging cough",
        "fingertips holding it at a distance", "a greenish pallor", "a heaving stomach",
        "a throat working to swallow", "hands wiped on the trousers", "the torso turned away",
        "a step back from the table", "fingers flicking something away",
    ),
    "fear": (
        "trembling hands", "arms wrapped around the body", "knees shaking", "a back pressed to the wall",
        "sweaty palms", "hands clutching a bag", "a hand gripping the banister", "goosebumps on the arms",
        "a frantic grip on the railing", "legs that will not move", "a body curled in the corner",
        "legs like jelly",
    ),
    "happy": (
        "arms flung wide", "hands clapping", "a spring in the walk", "a rosy glow", "a relaxed, open posture",
        "a quick jig", "hands thrown up in the air", "fingers drumming along to music", "arms around a friend",
        "hands clasped in delight", "a twirl on the spot", "arms raised in triumph",
    ),
    "neutral": (
        "hands resting in the lap", "an upright, easy posture", "arms loose at the sides", "hands in the pockets",
        "weight on one foot", "an ordinary, unhurried walk", "a normal skin tone", "steady hands",
        "legs crossed casually", "hands folded on the table", "feet flat on the floor",
    ),
    "sad": (
        "arms hanging limp", "slow, heavy steps", "hands wringing in the lap", "a bowed head",
        "knees pulled up to the chest", "a body sagging into the chair", "arms hugging a pillow",
        "arms crossed over the stomach", "a slow, dragging walk", "hands limp in the lap",
        "a tear rolling onto the collar",
    ),
    "surprised": (
        "a hand flying to the chest", "a sudden step back", "arms thrown up", "a body jolting upright",
        "hands clapped over the mouth", "a dropped cup", "a spilled drink", "a hand gripping the doorframe",
        "a jump in the seat", "a hand on the heart", "a fork frozen halfway", "keys dropped on the floor",
    ),
}

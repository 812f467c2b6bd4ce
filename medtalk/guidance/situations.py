"""Everyday situations and behaviours that evoke each emotion, for the ``{context}`` field of descriptions.

Animators often describe a scene rather than a face ("... after the team lost
the final", "... hugging a returning soldier"); sentence embeddings place such
wording by what the situation means, so ``P_text`` needs to have seen many of
them. They follow ``"{subj} looks {adj}, {context}."``: a participle, "as if",
"like", "after", "at" or "when" phrase. General English, written for the
generator; ``tests/test_guidance_heldout.py`` keeps its vocabulary apart from
the held-out descriptions.
"""

from __future__ import annotations

SITUATIONS: dict[str, tuple[str, ...]] = {
    "angry": (
        "after the landlord raised the rent again", "as if the neighbours played loud music all night",
        "like a driver stuck behind a tractor", "after finding the bike stolen", "when the printer jams again",
        "like a coach whose team gave up", "after being blamed for someone else's mistake",
        "like someone whose lunch was eaten from the fridge", "demanding to see the manager",
        "slamming a fist on the desk", "stomping out of the room", "pointing a finger across the table",
        "after the flight was cancelled with no reason", "as if a promise was broken", "after being overcharged",
        "hearing a rude remark about family", "as if betrayed by a partner", "like a worker denied a raise",
        "when the queue jumper smirks", "tearing up a parking ticket", "after the umpire's unfair decision",
        "like someone insulted in public", "kicking a vending machine", "as if the meeting ran over for nothing",
        "after the repair man failed to turn up a third time", "as if the roommate left dirty pans again",
        "like a chef whose order was sent back twice", "banging on the neighbour's wall",
        "when the refund is refused", "after being shoved on the train", "like a voter lied to by a politician",
    ),
    "disgust": (
        "after biting into a mouldy apple", "when a drain backs up", "as if a rat ran across the kitchen",
        "picking gum off a shoe", "like someone who found a worm in the salad",
        "at a bin left out in the summer sun", "smelling old fish", "after hearing a cruel, sleazy joke",
        "like someone watching a person pick their nose", "when the dog rolls in something dead",
        "as if the socks had not been washed for weeks", "wiping something sticky off the hand",
        "when the cheese has turned green", "at a clogged sink full of hair", "as if a cheat bragged about it",
        "holding a soiled nappy at arm's length", "tasting medicine that went off",
        "like someone looking at a festering cut", "when someone chews with their mouth open",
        "after stepping in something wet in socks", "like someone shown a bug under a microscope",
        "when the fridge has a forgotten bag of salad", "at sweat on a gym bench",
        "like someone shaking a slimy hand", "as if the soup had a fingernail in it",
        "smelling a sewer on a hot day", "at a pile of dirty laundry",
    ),
    "fear": (
        "like someone alone in a haunted house", "when the car skids on ice", "at the edge of a high cliff",
        "as if a snake slid past the foot", "like a child lost in a crowd", "as if the boat were sinking",
        "checking the locks twice", "as if a shark fin showed in the water", "before jumping out of a plane",
        "like a diver low on air", "as if the brakes failed", "hiding from a burglar",
        "like someone chased through an alley", "at a growl in the bushes", "when smoke fills the corridor",
        "waiting outside the operating room", "like a hostage in a film", "when a stranger follows them home",
        "when the plane drops suddenly", "as if a bear stood in the path", "like someone locked in a basement",
        "at a knock on the door at midnight", "like a swimmer pulled out by the current",
        "tiptoeing past a guard dog",
    ),
    "happy": (
        "after the team won the final", "like someone hugging a returning soldier", "at a reunion with family",
        "as if the baby took her first steps", "dancing in the kitchen", "like a student who passed every exam",
        "after a perfect first date", "tasting grandma's cooking", "playing with a kitten",
        "as if it were the best day of the year", "singing along to a favourite song",
        "after the house sale went through", "like kids at a theme park", "when the band plays their song",
        "catching up with a best friend", "as if the test came back clear", "laughing at a comedy show",
        "like someone given a day off", "after scoring the winning goal", "sharing a picnic in the park",
        "like a grandparent meeting a grandchild", "as if every wish came true", "after a big promotion",
        "telling a funny story at dinner", "when the puppy wags its tail", "like someone cheering at a concert",
        "after hearing the baby laugh", "as if on a long-awaited trip", "toasting with friends on a terrace",
    ),
    "neutral": (
        "waiting for the kettle to boil", "like someone filling in a form", "reading the train timetable",
        "sorting the post", "like a clerk at a counter", "while doing the dishes",
        "watching the news without much interest", "as if counting change", "like someone in a lift",
        "during a normal day at the office", "while typing an email", "like a cashier on a slow afternoon",
        "as if giving directions", "like a person taking notes", "while folding laundry", "checking the time",
        "stirring a pot of soup", "like someone asked for the date", "while queuing at the post office",
        "like someone reading the terms and conditions", "while watering the plants",
        "as if listening to a podcast", "during the weekly team update", "while waiting at a red light",
        "like a librarian shelving books", "while unloading the dishwasher", "on the morning commute",
        "while hanging out the washing", 
        "buying a loaf of bread", "as if nothing much were going on", "like a commuter reading the paper",
        "while ironing shirts", "while peeling potatoes", "taking out the bins",
        "like a shopper at the self-checkout", "while sweeping the porch", "paying a gas bill online",
        "filling up the car at the petrol station", "on an uneventful Tuesday afternoon",
        "wiping down the kitchen counter",
    ),
    "sad": (
        "after the team lost the final", "like someone whose dog ran away", "as if the letter said no",
        "when the best friend moves abroad", "looking at old photographs", "like someone left out of the party",
        "after a breakup", "as if nobody remembered the birthday", "when the old house is sold",
        "like a child whose balloon floated away", "after the last visit at the nursing home",
        "staring out of a rainy window", "as if the dream job went to someone else", "wiping away tears",
        "like someone who failed the exam", "after the shop had to close for good",
        "hugging a friend goodbye at the station", "like an old man eating alone",
        "after a long illness in the family", "listening to a song from a lost love",
        "like someone laid off after years", "holding an empty collar", "when the doctor has bad news",
        "as if the world had gone grey", "like someone clearing out an office after twenty years",
        "when the last guest leaves", "as if the garden had died", "after missing the chance to say goodbye",
        "like a fan whose hero retired",
    ),
    "surprised": (
        "like someone meeting a celebrity in a shop", "after finding money in an old coat",
        "as if the ex walked into the room", "when the test score is unexpectedly perfect",
        "opening the door to a crowd of friends", "like someone told they are having twins",
        "after a sudden proposal", "as if snow fell in July", "when the car starts on the first try after years",
        "like someone who spotted a famous painting in a junk shop", "when the shy colleague starts singing",
        "as if the parcel contained a puppy", "after a door slams in the wind", "at the score of the match",
        "like someone catching a magic trick", "when the bill is unexpectedly tiny",
        "as if a balloon just popped behind them", "seeing an old classmate on television",
        "when the answer turns out to be yes", "like someone who learned the neighbour is a spy",
        "after the coin lands on its edge", "as if the cat started talking", "when the letter is from the queen",
    ),
}

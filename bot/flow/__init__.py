"""The learning flow: what Ruthan says to one learner, given where they are and what they did.

Handlers translate LINE events into calls on `Tutor` (tutor.py); the state machine (machine.py) routes
each to a part of the flow (onboarding, lessons, reviewing, reminding, menu, classroom: plain functions
`(Turn, input) -> Step`, turn.py) and is the only writer of `learner.phase`. views.py draws what every part
shows. The flow reads and writes the learner's state through the session it is given and never talks to
LINE itself.

May import bot/learning (the rules), bot/voice (words and message builders), bot/content, bot/answers,
bot/spoken_time and bot/storage; never scheduler, bot/handlers, bot/web or bot/trainers.
"""

from bot.flow.tutor import Tutor

__all__ = ["Tutor"]

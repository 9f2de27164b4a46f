"""The learning flow: what Ruthan says to one learner, given where they are and what they did.

Handlers translate LINE events into calls on `Tutor`; the tutor reads and writes the learner's state through
the session it is given and returns the messages to send. It never talks to LINE itself.
"""

from bot.flow.tutor import Tutor

__all__ = ["Tutor"]

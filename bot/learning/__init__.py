"""The learning rules, below the flow and beside the scheduler: what a learner's day, streak, review and
reminder policy are (`reminders`, `review`, `marks`), their records (`progress`), class membership
(`membership`) and erasure (`erasure`).

Plain functions over storage. May import bot.storage, bot.content and bot.answers; never bot.flow,
bot.handlers, bot.web or scheduler. Both the flow (bot/flow/) and the scheduler (scheduler/) import it.
"""

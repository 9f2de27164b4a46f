"""Ruthan's voice: what it says to learners (`texts`, in Thai) and how it looks on LINE (`ui`: texts,
quick-reply buttons, Flex cards), plus the reminder's words (`reminders`).

A leaf layer: it may import bot.gateway (the message JSON type) and nothing else of the bot, so the flow,
the handlers, the trainers' announcements and the scheduler can all speak without importing each other.
"""

"""Trainers: accounts and sign-in, classes, announcements, the dashboard and its JSON API.

Storage lives in bot/storage/trainers.py; pages in bot/web/; the learner side of classes (joining by
code) in bot/learning/membership.py and bot/flow/classroom.py, and LINE groups in bot/handlers/group.py.
"""

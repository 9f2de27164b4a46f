"""Help in the moment (issue 16): "โดนหลอกแล้ว" detection, the urgent-steps reply, banks, the code-word card.

Pure components: text in, a `Match` or LINE message JSON out. The chat flow calls them first, in every phase:

    match = is_emergency(text)
    if match:
        return urgent_steps(audience, bank=None, situation=match.situation)

Postback actions these messages send (the flow must understand them): `emergency` (the rich-menu tile and
"ขอความช่วยเหلือ"), `emergency_bank` with `b=<bank id>` or `b=other`, and `help_lesson` with `m=<module id>`.
"""

from bot.help.banks import Bank, HelpContent, Hotline, bank_mentioned, load_help_content, read_bank
from bot.help.detect import Match, Situation, is_emergency
from bot.help.messages import (
    ACTION_BANK,
    ACTION_EMERGENCY,
    ACTION_LESSON,
    EMERGENCY_TILE,
    bank_card,
    bank_picker,
    code_word_card,
    lesson_for,
    other_bank_prompt,
    urgent_steps,
)

__all__ = [
    "ACTION_BANK",
    "ACTION_EMERGENCY",
    "ACTION_LESSON",
    "EMERGENCY_TILE",
    "Bank",
    "HelpContent",
    "Hotline",
    "Match",
    "Situation",
    "bank_card",
    "bank_mentioned",
    "bank_picker",
    "code_word_card",
    "is_emergency",
    "lesson_for",
    "load_help_content",
    "other_bank_prompt",
    "read_bank",
    "urgent_steps",
]

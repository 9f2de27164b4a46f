"""What the learner reads after judging a drill: right or not, the exact cue, and what to do.

Two messages: (1) the verdict and why, naming the cues (scam signs, or for a genuine message what makes it
trustworthy); (2) what to do about a scam, or how to check a genuine message anyway. The tone is the same
whatever the answer: "ไม่แน่ใจ" is praised as a reasonable move, a false alarm is not scolded, and a genuine
message is never called "safe".
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.content import Audience
from bot.drills.answers import Verdict
from bot.drills.content import Cue, Drill
from bot.gateway import MessageJSON
from bot.voice.ui import Button, card

HEADLINES = {
    # (drill is genuine, learner's verdict) -> headline
    (False, Verdict.SCAM): "✅ ถูกต้องค่ะ ข้อความนี้เป็นของหลอก",
    (False, Verdict.REAL): "ข้อนี้เป็นของหลอกค่ะ ไม่เป็นไรนะคะ มาดูจุดสังเกตกัน",
    (False, Verdict.UNSURE): "ไม่แน่ใจแล้วหยุดก่อน ดีแล้วค่ะ ข้อนี้เป็นของหลอก",
    (True, Verdict.REAL): "✅ ถูกต้องค่ะ ข้อความนี้มาจากตัวจริง",
    (True, Verdict.SCAM): "ข้อนี้เป็นของจริงค่ะ ระวังไว้ก่อนไม่ผิด แต่ของจริงก็มีจุดให้สังเกต",
    (True, Verdict.UNSURE): "ไม่แน่ใจก็เช็กก่อนได้ค่ะ ข้อนี้เป็นของจริง",
}
SCAM_CUES = "จุดที่บอกว่าหลอก"
TRUST_CUES = "จุดที่ทำให้น่าเชื่อ"
SCAM_TIP = "ทำอย่างไรดี"
TRUST_TIP = "เช็กเองได้อย่างไร"


def is_correct(drill: Drill, verdict: Verdict) -> bool:
    """Right means the verdict matches; "ไม่แน่ใจ" is never right (nor scored as a false alarm)."""
    return verdict.value == drill.verdict


def cue_line(drill: Drill, cues: Mapping[str, Cue] | None) -> str | None:
    names = [cues[c].name for c in drill.cues if cues and c in cues]
    if not names:
        return None
    return f"{TRUST_CUES if drill.genuine else SCAM_CUES}: " + " · ".join(names)


def feedback(
    drill: Drill,
    answer: Verdict,
    audience: Audience | str | None,
    *,
    cues: Mapping[str, Cue] | None = None,
    buttons: list[Button] | None = None,
) -> list[MessageJSON]:
    """The two feedback messages; `buttons` (e.g. ต่อไป) go on the last one."""
    large = audience == Audience.ELDERLY
    headline = HEADLINES[(drill.genuine, answer)]
    why = "\n\n".join(part for part in (drill.feedback, cue_line(drill, cues)) if part)
    first = card(why, title=headline, large=large)
    second = card(drill.tip, title=TRUST_TIP if drill.genuine else SCAM_TIP, large=large, buttons=buttons)
    return [first, second]

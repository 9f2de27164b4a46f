"""What learners are told about their trainer's assignments ("ครูให้เรียนบท ... ส่งภายใน 12 ธ.ค."): in
"เรียนต่อ", in the daily reminder and in the trainer's one nudge. The elderly get the shortest words."""

from __future__ import annotations

from datetime import date

from bot.gateway import MessageJSON
from bot.voice import texts as t
from bot.voice.calendar import short_day
from bot.voice.ui import button, text

ASSIGNED = "ครูให้เรียนบท {title} ส่งภายใน {due} ค่ะ"
ASSIGNED_LATE = "ครูให้เรียนบท {title} เลยกำหนดส่ง ({due}) แล้ว เรียนตอนนี้ยังทันค่ะ"
ASSIGNED_ELDERLY = "ครูให้เรียนบท {title} ค่ะ\nก่อนวันที่ {due}"
ASSIGNED_ELDERLY_LATE = "ครูให้เรียนบท {title} ค่ะ\nเลยวันที่ {due} แล้ว ยังเรียนได้ค่ะ"
ASSIGNED_DRILLS = "ครูให้ซ้อมจับโกงของบท {title} ส่งภายใน {due} ค่ะ"
ASSIGNED_DRILLS_ELDERLY = "ครูให้ซ้อมจับโกง บท {title} ค่ะ\nก่อนวันที่ {due}"
# Said when a learner in the middle of another module taps "เรียนต่อ": finish this one first.
AFTER_THIS = "เรียนบทนี้จบแล้ว ไปบทที่ครูให้ต่อเลยนะคะ"
NUDGE = '📚 ครูฝากเตือนค่ะ\n{line}\nยังไม่ได้ทำนะคะ กด "เรียนต่อ" ได้เลยค่ะ'
NUDGE_ELDERLY = '📚 ครูฝากบอกค่ะ\n{line}\nกด "เรียนต่อ" ได้เลยค่ะ'
REMINDER = "สวัสดีค่ะ 😊 ได้เวลาเรียนแล้วนะคะ\n{line}"


def assigned_line(title: str, due: date, *, today: date, elderly: bool, drills: bool = False) -> str:
    """One line naming the assignment and its due date in the Thai calendar."""
    if elderly:
        late = due < today
        template = ASSIGNED_DRILLS_ELDERLY if drills else ASSIGNED_ELDERLY_LATE if late else ASSIGNED_ELDERLY
    elif drills:
        template = ASSIGNED_DRILLS
    else:
        template = ASSIGNED_LATE if due < today else ASSIGNED
    return template.format(title=title, due=short_day(due))


def nudge_messages(title: str, due: date, *, today: date, elderly: bool, drills: bool) -> list[MessageJSON]:
    """The trainer's one nudge to learners who have not done an assignment: the same for all of them (one
    multicast), with the "เรียนต่อ" button that takes them straight to it."""
    line = assigned_line(title, due, today=today, elderly=elderly, drills=drills)
    body = (NUDGE_ELDERLY if elderly else NUDGE).format(line=line)
    return [text(body, [button(t.CONTINUE, "continue")])]

"""Every learner-facing sentence, in one place, so it can be read aloud and reviewed together.

Short sentences, everyday words, warm and polite. Placeholders use str.format names.
"""

from __future__ import annotations

HOTLINES = (
    "📞 ถ้าโดนหลอกโอนเงิน ทำทันที:\n"
    "1. โทรหาธนาคารของเราก่อน ขอให้ระงับบัญชี\n"
    "2. โทร 1441 ศูนย์ AOC (24 ชั่วโมง)\n"
    "3. แจ้งความออนไลน์ที่ thaipoliceonline.com\n"
    "4. ปัญหาซื้อของออนไลน์ โทร 1212"
)

WELCOME = (
    'สวัสดีค่ะ 🙏 ยินดีต้อนรับสู่ "รู้ทัน"\n'
    "เราจะช่วยให้คุณรู้ทันมิจฉาชีพออนไลน์ ทีละนิด วันละไม่กี่นาที\n"
    "แต่ละบทสั้น ๆ อ่านจบแล้วมีคำถามให้ลองตอบค่ะ"
)
PRIVACY = (
    "🔒 ก่อนเริ่ม ขออนุญาตเก็บข้อมูลนิดเดียวค่ะ\n"
    "• เก็บ: รหัสผู้ใช้ LINE กลุ่มผู้เรียน บทที่เรียนถึง และคำตอบ\n"
    "• เพื่อ: จำว่าเรียนถึงไหน และทบทวนข้อที่ยังไม่แม่น\n"
    "• ไม่เก็บ: ชื่อ เบอร์โทร หรือข้อความอื่นของคุณ\n"
    '• ลบได้ทุกเมื่อ: พิมพ์ "ลบข้อมูลของฉัน"\n'
    "ยินยอมให้เก็บข้อมูลไหมคะ"
)
CONSENT_YES = "ยินยอม"
CONSENT_NO = "ไม่ยินยอม"
DECLINED = 'ไม่เป็นไรค่ะ เราจะไม่เก็บข้อมูลของคุณ\nถ้าเปลี่ยนใจ พิมพ์ "เริ่ม" ได้ทุกเมื่อนะคะ\n\n' + HOTLINES
ASK_CONSENT_AGAIN = 'ขอโทษค่ะ ยังไม่ได้คำตอบ กด "ยินยอม" เพื่อเริ่มเรียน หรือ "ไม่ยินยอม" ก็ได้ค่ะ'

ASK_TRACK = "ขอบคุณค่ะ 😊 คุณคือใครคะ เลือกได้เลย เราจะเลือกบทเรียนให้เหมาะกับคุณ"
ASK_TRACK_AGAIN = "ขอโทษค่ะ ไม่แน่ใจว่าเลือกอันไหน กดปุ่มด้านล่างได้เลยค่ะ"
ASK_AGE = "น้อง ๆ อายุเท่าไรคะ"
AGE_10_PLUS = "10 ปีขึ้นไป"
AGE_UNDER_10 = "ต่ำกว่า 10 ปี"
ASK_AGE_AGAIN = "ขอโทษค่ะ ยังไม่แน่ใจว่าน้อง ๆ อายุเท่าไร 😊 พิมพ์อายุเป็นตัวเลขได้เลย เช่น 12 หรือกดปุ่มด้านล่างนะคะ"
ASK_PARENT = (
    "น้องอายุต่ำกว่า 10 ปี ต้องให้พ่อแม่หรือผู้ปกครองอนุญาตก่อนนะคะ 👨‍👩‍👧\n"
    "ชวนผู้ปกครองมาอ่านข้อความเรื่องข้อมูลด้านบน\n"
    "ถ้าผู้ปกครองยินยอม ให้กดปุ่มด้านล่างค่ะ"
)
PARENT_YES = "ผู้ปกครองยินยอม"
PARENT_WAITING = "รอผู้ปกครองกดยินยอมก่อนนะคะ 🙏"
TRACK_CHOSEN = "เยี่ยมเลยค่ะ เรามี {count} บทสำหรับคุณ เริ่มบทแรกกันเลย 🎉"

NEXT = "ต่อไป"
READ_AGAIN = "อ่านอีกครั้ง"
CARD_FOOTER = "({index}/{total})"
MODULE_TITLE = "บทที่ {number}: {title}"

QUESTION_HEADER = "❓ คำถาม {index}/{total}"
# Praise follows the audience and the score (issue 15): an adult is not told "เก่งมาก!" for one answer that may
# be luck, and 2 of 5 is not a celebration. A child may hear "เก่งมาก" for each right answer.
RIGHT = "✅ ถูกต้องค่ะ"
RIGHT_STUDENT = "✅ ถูกต้องค่ะ เก่งมาก!"
WRONG = '❌ ยังไม่ถูกค่ะ คำตอบคือ "{answer}"'
UNSURE = 'ไม่เป็นไรค่ะ 😊 คำตอบคือ "{answer}" เดี๋ยวเราจะชวนทบทวนข้อนี้อีกครั้งนะคะ'
WHICH_ONE = "ขอโทษค่ะ ไม่แน่ใจว่าหมายถึงข้อไหน กดเลือกข้อที่ต้องการได้เลยค่ะ"
CARD_UNCLEAR = 'ไม่เป็นไรค่ะ 😊 ค่อย ๆ อ่านอีกครั้งได้นะคะ\nถ้ายังสงสัย กด "ต่อไป" ได้เลย คำถามท้ายบทจะช่วยให้เข้าใจขึ้นค่ะ'
CARD_MEDIA = 'ขอบคุณค่ะ 😊 ถ้าอ่านจบแล้ว กด "ต่อไป" ได้เลยนะคะ'
READING_CARD = 'ตอนนี้เรากำลังอ่านบทเรียนกันอยู่ค่ะ 📖 อ่านจบแล้วกด "ต่อไป" ได้เลยนะคะ'
NOT_AN_ANSWER = "ตอนนี้เรากำลังตอบคำถามกันอยู่ค่ะ 😊 กดเลือกคำตอบได้เลย หรือพิมพ์เลขข้อก็ได้ค่ะ"
STALE_ANSWER = "ข้อนั้นตอบไปแล้วค่ะ 😊 มาต่อที่ข้อนี้กันนะคะ"

# The module's end: the heading and the praise depend on the share of right answers (see lessons.summary).
MODULE_DONE = '🎉 จบบท "{title}" แล้วค่ะ\nตอบถูก {correct} จาก {total} ข้อ'  # every answer right
MODULE_DONE_MOST = '✅ จบบท "{title}" แล้วค่ะ\nตอบถูก {correct} จาก {total} ข้อ'  # at least 60% right
MODULE_DONE_SOME = '📖 จบบท "{title}" แล้วค่ะ\nตอบถูก {correct} จาก {total} ข้อ'  # fewer
MODULE_DONE_PRAISE = "เก่งมากค่ะ ตอบถูกทุกข้อเลย! 🌟"  # students
MODULE_DONE_PRAISE_ADULT = "ตอบถูกทุกข้อเลยค่ะ 🌟"
MODULE_DONE_MOST_PRAISE = "ทำได้ดีค่ะ อีกนิดเดียวก็ครบแล้ว"
MODULE_DONE_SOME_PRAISE = "บทนี้ยังไม่ง่าย ไม่เป็นไรนะคะ ค่อย ๆ ทบทวนไปด้วยกันค่ะ"
MODULE_DONE_REVIEW = "ข้อที่พลาด เราจะชวนทบทวนอีกครั้งพรุ่งนี้นะคะ"
NEXT_MODULE = "บทต่อไป: {title}"
TRACK_DONE = (
    "🏆 ยินดีด้วยค่ะ! เรียนครบทุกบทแล้ว\nขอบคุณที่ตั้งใจเรียนนะคะ ชวนคนที่รักมาเรียนด้วยกันได้เลย\nจำไว้เสมอ: หยุด คิด ถาม ทำ"
)
HABIT = "จำไว้นะคะ: หยุด คิด ถาม ทำ 🙏"

REVIEW_START = "มาทบทวนข้อที่ยังไม่แม่นกันค่ะ ({count} ข้อ) 💪"
REVIEW_EMPTY = "ตอนนี้ไม่มีข้อที่ต้องทบทวนค่ะ เก่งมาก! 👏"
# Reviews come back by the day (spacing helps memory): asked too early, the learner hears when.
REVIEW_NOT_YET = "ข้อที่พลาดจะกลับมาให้ทบทวน{when}นะคะ 😊\nเว้นไว้สักพักก่อนทบทวน ช่วยให้จำได้นานกว่าค่ะ"
REVIEW_TOMORROW = "พรุ่งนี้"
REVIEW_IN_DAYS = "ในอีก {days} วัน"
REVIEW_DONE = "ทบทวนครบแล้วค่ะ 👏"
PRACTICE = "ฝึกตอนนี้"
PRACTICE_OFFER = 'อยากฝึกบท "{title}" อีกรอบตอนนี้เลยไหมคะ 😊 คราวนี้สลับลำดับคำตอบให้ใหม่ ลองตอบดูนะคะ'
PRACTICE_START = 'มาฝึกบท "{title}" กันค่ะ ({count} ข้อ) 💪'
PRACTICE_HEADER = "🔁 ฝึก {index}/{total}"
PRACTICE_DONE = "ฝึกครบแล้วค่ะ 👏"  # says nothing about the score: practice is not scored

MENU = "เลือกได้เลยค่ะ 👇"
HELP = (
    'ℹ️ วิธีใช้ "รู้ทัน"\n'
    "• เรียนต่อ: เรียนบทต่อไป\n"
    "• ความคืบหน้า: ดูว่าเรียนไปถึงไหน\n"
    "• ทบทวน: ลองตอบข้อที่เคยพลาดอีกครั้ง\n"
    '• ตั้งเวลาเตือน: หรือพิมพ์เวลา เช่น "เตือน 2 ทุ่ม"\n'
    "• พรุ่งนี้ค่อยเตือน / หยุดเตือน / เปิดเตือน\n"
    "• ชวนลูกหลาน: ให้ลูกหลานได้บันทึกการเรียนสัปดาห์ละครั้ง\n"
    "• คำลับ: การ์ดรหัสลับครอบครัว กันวิดีโอคอลปลอม\n"
    "• ลบข้อมูลของฉัน: ลบทุกอย่างที่เราเก็บไว้\n"
    'ตอบคำถามได้ทั้งกดปุ่ม หรือพิมพ์ เช่น "ข้อ 2" หรือ "ข"\n\n' + HOTLINES
)
NOT_UNDERSTOOD = 'ขอโทษค่ะ "รู้ทัน" ยังไม่เข้าใจข้อความนี้ 🙏 ลองกดเมนูด้านล่างนะคะ'
MEDIA_REPLY = 'ขอบคุณค่ะ 😊 แต่ "รู้ทัน" อ่านได้แค่ตัวหนังสือ ลองกดปุ่มด้านล่างนะคะ'
TOO_LONG = 'ข้อความยาวมากเลยค่ะ 😊 "รู้ทัน" อ่านได้แค่คำสั้น ๆ ลองกดปุ่มด้านล่างนะคะ'
NOT_STARTED = "ยังไม่ได้เริ่มเรียนเลยค่ะ 😊"

PROGRESS_TITLE = "📊 ความคืบหน้า"
PROGRESS_MODULES = "เรียนจบ {done} จาก {total} บท"
PROGRESS_SCORE = "ตอบถูก {percent}% ของคำถามที่ตอบ"
PROGRESS_REVIEW = "รอทบทวน {count} ข้อ"
PROGRESS_NEXT = "บทต่อไป: {title}"
PROGRESS_FINISHED = "เรียนครบทุกบทแล้ว 🏆"
PROGRESS_STREAK = "เรียนต่อเนื่อง {days} วัน 🔥"

CONFIRM_DELETE = "⚠️ ต้องการลบข้อมูลทั้งหมดของคุณใช่ไหมคะ\nบทที่เรียนและคำตอบทั้งหมดจะหายไป กู้คืนไม่ได้"
DELETE_YES = "ลบเลย"
DELETE_NO = "ไม่ลบ"
DELETED = 'ลบข้อมูลของคุณเรียบร้อยแล้วค่ะ 🗑️\nถ้าอยากกลับมาเรียนใหม่ พิมพ์ "เริ่ม" ได้ทุกเมื่อนะคะ'
DELETE_CANCELLED = "ไม่ลบค่ะ ข้อมูลยังอยู่ครบ 😊"

WELCOME_BACK = "ยินดีต้อนรับกลับมาค่ะ 🙏 เรียนต่อจากเดิมได้เลยนะคะ"

GROUP_JOIN = (
    'สวัสดีค่ะทุกคน 🙏 "รู้ทัน" สอนรู้ทันมิจฉาชีพออนไลน์ บทละไม่กี่นาที\n'
    "ในกลุ่มนี้จะไม่มีบทเรียนนะคะ\n"
    'อยากเรียน: แตะที่รูป "รู้ทัน" แล้วกด "เพิ่มเพื่อน" เพื่อเรียนแบบส่วนตัวค่ะ\n'
    'ครู: พิมพ์ "เชื่อมห้อง" ตามด้วยรหัสห้องในกลุ่มนี้ แล้วกดอนุมัติในหน้าเว็บ ประกาศของห้องจะส่งมาที่กลุ่มด้วยค่ะ'
)
GROUP_MEMBER_JOINED = 'ยินดีต้อนรับค่ะ 🙏 อยากเรียนรู้ทันมิจฉาชีพ แตะที่รูป "รู้ทัน" แล้วกด "เพิ่มเพื่อน" ได้เลย'

APOLOGY = 'ขอโทษค่ะ ระบบขัดข้องนิดหน่อย 🙏 ลองพิมพ์ "เมนู" อีกครั้งนะคะ'

# Button labels for commands (also the words learners type).
CONTINUE = "เรียนต่อ"
PROGRESS = "ความคืบหน้า"
REVIEW = "ทบทวน"
MENU_LABEL = "เมนู"
HELP_LABEL = "ช่วยด้วย"
DELETE_LABEL = "ลบข้อมูลของฉัน"
START = "เริ่ม"

# Reminders: asked after the track is chosen; changed, snoozed, stopped and restarted by button or text.
ASK_REMINDER_TIME = 'อยากให้ "รู้ทัน" ชวนเรียนทุกวันตอนไหนดีคะ ⏰\nเลือกได้เลย เปลี่ยนทีหลังได้ค่ะ'
ASK_REMINDER_TIME_AGAIN = "เลือกเวลาจากปุ่มด้านล่าง หรือพิมพ์เวลา เช่น 18:30 ก็ได้ค่ะ"
REMIND_MORNING = "เช้า 08:00"
REMIND_NOON = "กลางวัน 12:00"
REMIND_EVENING = "เย็น 19:00"
ASK_WHICH_TIME = "หมายถึงตอนเช้าหรือตอนเย็นคะ 😊"
REMINDER_SET = "ได้เลยค่ะ จะชวนเรียนทุกวันตอน {time} น. นะคะ ⏰"
REMINDER_SET_TOMORROW = "ได้เลยค่ะ จะชวนเรียนทุกวันตอน {time} น. เริ่มพรุ่งนี้นะคะ ⏰"
REMINDER_KEPT = 'จะชวนเรียนทุกวันตอน {time} น. นะคะ ⏰ เปลี่ยนได้ พิมพ์ "ตั้งเวลาเตือน" ค่ะ'
# A time in quiet hours is kept as chosen, and said back plainly: "6:00" may have meant the evening.
REMINDER_AT_NIGHT = "{time} น. คือตอน{part}นะคะ ถ้าไม่ใช่ พิมพ์เวลาใหม่ได้เลย เช่น 18:00"
NIGHT_PARTS = ((5 * 60, "ดึก"), (8 * 60, "เช้า"), (24 * 60, "กลางคืน"))  # (until minute, part of day)
SNOOZED = "ได้เลยค่ะ วันนี้จะไม่เตือนแล้ว พรุ่งนี้ค่อยชวนใหม่นะคะ 😊"
SNOOZE_WHILE_STOPPED = 'ตอนนี้ปิดเตือนอยู่ค่ะ 😊 อยากให้ชวนเรียนอีก กด "เปิดเตือน" ได้เลยนะคะ'
REMINDERS_STOPPED = 'หยุดเตือนแล้วค่ะ 🙏 อยากให้เตือนอีก พิมพ์ "เปิดเตือน" ได้ทุกเมื่อนะคะ'
REMINDERS_ALREADY_STOPPED = 'ปิดเตือนอยู่แล้วค่ะ 😊 อยากให้เตือนอีก พิมพ์ "เปิดเตือน" ได้ทุกเมื่อนะคะ'
REMINDERS_RESTARTED = "เปิดเตือนแล้วค่ะ 😊 จะชวนเรียนทุกวันตอน {time} น. นะคะ"
REMINDERS_RESTARTED_TOMORROW = "เปิดเตือนแล้วค่ะ 😊 จะชวนเรียนทุกวันตอน {time} น. เริ่มพรุ่งนี้นะคะ"
STREAK_CHEERS = {
    3: "🔥 เรียนต่อเนื่อง 3 วันแล้ว เก่งมากค่ะ",
    7: "🌟 เรียนต่อเนื่องครบ 7 วัน ยอดเยี่ยมเลยค่ะ",
    30: "🏅 เรียนต่อเนื่อง 30 วันแล้ว ขอบคุณที่ตั้งใจนะคะ",
}
# The daily reminder (pushed). It says what is next; due reviews are counted.
REMINDER_NEXT = "สวัสดีค่ะ 😊 ได้เวลาเรียนวันละนิดแล้วนะคะ\nบทต่อไป: {title}"
REMINDER_REVIEWS = "มีข้อทบทวนรออยู่ {count} ข้อค่ะ"
# The elderly see no ทบทวน button on the reminder (three choices at most): the word to type instead.
REMINDER_REVIEWS_TYPED = 'มีข้อทบทวนรออยู่ {count} ข้อค่ะ พิมพ์ "ทบทวน" ได้เลย'
REMINDER_REVIEW_ONLY = "สวัสดีค่ะ 😊 ได้เวลาทบทวนแล้วนะคะ\nมี {count} ข้อ ช่วยให้จำได้แม่นขึ้นค่ะ"

# Button labels for reminder commands (also the words learners type).
SET_REMINDER = "ตั้งเวลาเตือน"
SNOOZE = "พรุ่งนี้ค่อยเตือน"
STOP_REMINDERS = "หยุดเตือน"
RESTART_REMINDERS = "เปิดเตือน"

# Classes: a learner joins a trainer's class by typing its code ("เข้าห้อง 4K7Q", optionally a nickname).
CLASS_JOINED = (
    'เข้าห้อง "{name}" ของ {trainer} แล้วค่ะ 🎉\n'
    "ครูจะเห็นว่าคุณเรียนถึงไหนและตอบถูกกี่ข้อ{shown}\n"
    'ออกจากห้องได้ทุกเมื่อ พิมพ์ "ออกจากห้อง {code}"'
)
CLASS_SHOWN_AS = ' โดยเห็นชื่อ "{nickname}"'
CLASS_NO_NAME = ' (ครูยังไม่เห็นชื่อ ถ้าอยากให้ครูรู้ว่าเป็นใคร พิมพ์ "เข้าห้อง {code}" ตามด้วยชื่อเล่น)'
CLASS_ALREADY = 'คุณอยู่ในห้อง "{name}" อยู่แล้วค่ะ 😊'
CLASS_RENAMED = 'คุณอยู่ในห้อง "{name}" อยู่แล้วค่ะ 😊 ครูจะเห็นชื่อ "{nickname}" นะคะ'
CLASS_NOT_FOUND = "ไม่พบห้องรหัส {code} ค่ะ 🙏\nลองดูรหัสจากครูอีกครั้งนะคะ (ตัวอักษรและตัวเลข 4 ตัว เช่น 4K7Q)"
# Before consent (the learner's or a parent's) the class and trainer are not named.
CLASS_AFTER_CONSENT = 'รหัสห้อง {code} ถูกต้องค่ะ ✅\nกด "ยินยอม" ก่อน แล้วจะพาเข้าห้องให้นะคะ'
CLASS_AFTER_PARENT = "รหัสห้อง {code} ถูกต้องค่ะ ✅\nเมื่อผู้ปกครองยินยอมแล้ว จะพาเข้าห้องให้นะคะ"
CLASS_NOW_IN = 'ตอนนี้คุณอยู่ในห้อง "{name}" ของ {trainer} แล้วค่ะ 🎉'
CODE_WAIT = "พิมพ์รหัสห้องไม่ตรงหลายครั้งแล้วค่ะ 🙏\nลองใหม่ได้ในอีก {minutes} นาทีนะคะ"
CLASS_LEFT = 'ออกจากห้อง "{name}" แล้วค่ะ ครูจะไม่เห็นความคืบหน้าของคุณอีก'
CLASS_NOT_MEMBER = "คุณไม่ได้อยู่ในห้องรหัส {code} ค่ะ"

# LINE groups: a trainer types the class code in a group so that announcements reach the group too.
# Only "เชื่อมห้อง 4K7Q" asks; the trainer approves in /admin, and the class is named only after that.
GROUP_PENDING = (
    "ส่งคำขอเชื่อมกลุ่มนี้กับห้องรหัส {code} แล้วค่ะ ✅\nเมื่อครูของห้องกดอนุมัติในหน้าเว็บ ประกาศของห้องจะส่งมาที่กลุ่มนี้ด้วยค่ะ"
)
GROUP_STILL_PENDING = "คำขอเชื่อมกลุ่มนี้กับห้องรหัส {code} รอครูอนุมัติอยู่ค่ะ 😊"
GROUP_ALREADY = 'กลุ่มนี้เชื่อมกับห้อง "{name}" อยู่แล้วค่ะ 😊'
GROUP_FULL = "ห้องรหัส {code} มีกลุ่มครบแล้วค่ะ ให้ครูลบกลุ่มเก่าในหน้าเว็บก่อนนะคะ"
GROUP_TOO_MANY_PENDING = "ห้องรหัส {code} มีคำขอรอครูอนุมัติอยู่หลายกลุ่มแล้วค่ะ ให้ครูดูในหน้าเว็บก่อนนะคะ"
GROUP_JOIN_IN_PRIVATE = (
    'อยากเรียนกับห้อง {code}: แตะรูป "รู้ทัน" กดเพิ่มเพื่อน แล้วพิมพ์ "เข้าห้อง {code}" ในแชตส่วนตัวนะคะ\n'
    'ครูที่อยากให้ประกาศของห้องส่งมาที่กลุ่มนี้ พิมพ์ "เชื่อมห้อง {code}" ค่ะ'
)

# ----- help in the moment and checks (issue 16) ---------------------------------------------------------
BANK_UNKNOWN = "ไม่แน่ใจว่าเป็นธนาคารไหนค่ะ 🙏 เลือกจากปุ่มด้านล่าง หรือโทรเบอร์หลังบัตรเอทีเอ็มได้เลยค่ะ"
LESSON_NOT_ON_TRACK = "บทเรียนนี้ไม่ได้อยู่ในชุดบทเรียนของคุณค่ะ 😊 เรื่องที่สำคัญมีสอนอยู่ในบทของคุณแล้ว กดเรียนต่อได้เลยนะคะ"
CHECK_LABEL = "ส่งมาให้รู้ทันดู"
CHECK_HOW = (
    "ส่งข้อความที่สงสัยมาให้รู้ทันดูได้เลยค่ะ 😊\n"
    'กดค้างที่ SMS หรือแชทนั้น เลือก "คัดลอก" แล้ววางส่งมาที่นี่\n'
    "หรือส่งลิงก์ หรือภาพหน้าจอมาก็ได้ค่ะ\n"
    "รู้ทันจะบอกว่าเจอสัญญาณเตือนตรงไหนบ้าง"
)
CHECK_HOW_ELDERLY = 'ส่งข้อความหรือรูปหน้าจอ\nที่สงสัยมาได้เลยค่ะ\nกดค้างที่ข้อความ กด "คัดลอก"\nแล้ววางส่งมาที่นี่ค่ะ'
CHECK_QUOTE = "รู้ทันดูข้อความนี้ให้แล้วค่ะ 👇"
CHECK_QUOTE_MANY = "รู้ทันดูทั้ง {count} ข้อความที่ส่งมาให้แล้วค่ะ 👇"
CHECK_PRACTICE = "เรื่องนี้มีในบทเรียน “{title}” ค่ะ\nรู้ทันใส่คำถามเรื่องนี้ไว้ในรายการทบทวนแล้ว ลองตอบ 1 ข้อไหมคะ"
CHECK_TRY = "ลองตอบ 1 ข้อ"
CHECK_READ = "อ่านบทเรียน"
CHECK_UNREADABLE = 'รู้ทันอ่านตัวหนังสือในรูปนี้ไม่ได้ค่ะ 🙏\nลองกดค้างที่ข้อความ เลือก "คัดลอก" แล้ววางส่งมาแทนได้ไหมคะ'

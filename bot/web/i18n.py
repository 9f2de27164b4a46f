"""The dashboard's words, Thai first with English beside them. Learner-facing text lives in bot/flow/texts.py.

Keys are short English identifiers; `Translator` falls back to Thai, then to the key, so a missing
translation shows something readable (tests check every key has both).
"""

from __future__ import annotations

from fastapi import Request

LANG_COOKIE = "lang"

STRINGS: dict[str, tuple[str, str]] = {
    # Shared
    "app_name": ("รู้ทัน", "Ruthan"),
    "switch_language": ("English", "ภาษาไทย"),
    "sign_out": ("ออกจากระบบ", "Sign out"),
    "save": ("บันทึก", "Save"),
    "cancel": ("ยกเลิก", "Cancel"),
    "back": ("กลับ", "Back"),
    # Sign-in
    "login_title": ("เข้าสู่ระบบสำหรับครู", "Trainer sign-in"),
    "username": ("ชื่อผู้ใช้", "Username"),
    "password": ("รหัสผ่าน", "Password"),
    "sign_in": ("เข้าสู่ระบบ", "Sign in"),
    "login_wrong": ("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", "Wrong username or password"),
    "login_locked": (
        "ใส่รหัสผิดหลายครั้ง บัญชีถูกล็อกชั่วคราว ลองใหม่ในอีก {minutes} นาที",
        "Too many wrong passwords: the account is locked for {minutes} minutes",
    ),
    "login_throttled": (
        "มีการลองเข้าระบบจากเครื่องนี้มากเกินไป ลองใหม่ในอีก {minutes} นาที",
        "Too many attempts from this device: try again in {minutes} minutes",
    ),
    "login_help": (
        "ยังไม่มีบัญชี? ขอให้ผู้ดูแลสร้างให้ (คำสั่ง ruthan admin create)",
        "No account yet? Ask an admin to create one (ruthan admin create)",
    ),
    # Navigation
    "nav_classes": ("ห้องเรียน", "Classes"),
    "nav_announcements": ("ประกาศ", "Announcements"),
    "nav_audit": ("บันทึกการส่ง", "Audit log"),
    "nav_trainers": ("บัญชีครู", "Trainers"),
    "nav_simulator": ("ลองแชต", "Try the chat"),
    # Classes
    "classes_title": ("ห้องเรียนของฉัน", "My classes"),
    "classes_all_title": ("ห้องเรียนทั้งหมด", "All classes"),
    "class_new": ("สร้างห้องเรียนใหม่", "New class"),
    "class_name": ("ชื่อห้อง", "Class name"),
    "class_name_hint": ("เช่น ชมรมผู้สูงอายุวัดใหม่ หรือ ม.2/1", "e.g. Temple elderly club, Grade 8/1"),
    "class_create": ("สร้างห้อง", "Create"),
    "class_created": ('สร้างห้อง "{name}" แล้ว รหัสห้องคือ {code}', 'Created "{name}": its code is {code}'),
    "class_none": (
        "ยังไม่มีห้องเรียน สร้างห้องแรกด้านล่างได้เลย",
        "No classes yet: create your first one below.",
    ),
    "code": ("รหัสห้อง", "Class code"),
    "owner": ("ครู", "Trainer"),
    "members": ("ผู้เรียน", "Learners"),
    "active_week": ("เรียนสัปดาห์นี้", "Active this week"),
    "groups": ("กลุ่ม LINE", "LINE groups"),
    "open": ("เปิด", "Open"),
    "how_to_join": ("ผู้เรียนเข้าห้องอย่างไร", "How learners join"),
    "join_steps": (
        '1) เพิ่ม "รู้ทัน" เป็นเพื่อนใน LINE  2) พิมพ์ข้อความนี้ส่งให้บอต (ต่อท้ายด้วยชื่อเล่นได้):',
        "1) Add Ruthan as a LINE friend  2) Send this message to the bot (a nickname may follow):",
    ),
    "join_qr": (
        "หรือสแกน QR นี้ด้วย LINE แล้วกดส่ง",
        "Or scan this QR code with LINE and press send",
    ),
    "add_friend_link": ("ลิงก์เพิ่มเพื่อน", "Add-friend link"),
    "join_link": ("ลิงก์เข้าห้อง", "Join link"),
    "qr_needs_basic_id": (
        "ตั้งค่า LINE_BOT_BASIC_ID (LINE ID ของบอต เช่น @ruthan) เพื่อสร้าง QR และลิงก์",
        "Set LINE_BOT_BASIC_ID (the bot's LINE ID, e.g. @ruthan) for QR codes and links",
    ),
    "print_invite": ("พิมพ์ใบเชิญ", "Print invitation"),
    "group_how": (
        'ส่งประกาศเข้ากลุ่ม LINE ด้วย: เชิญ "รู้ทัน" เข้ากลุ่ม แล้วพิมพ์รหัสห้อง {code} ในกลุ่ม',
        "Announce in a LINE group too: invite Ruthan to the group and type the code {code} there",
    ),
    "group_none": ("ยังไม่มีกลุ่ม LINE", "No LINE groups yet"),
    "group_remove": ("เลิกส่งเข้ากลุ่มนี้", "Stop sending here"),
    "group_removed": ("เลิกส่งเข้ากลุ่มแล้ว", "Group unlinked"),
    "linked_on": ("ลงทะเบียนเมื่อ", "Linked on"),
    # Dashboard
    "completion": ("เรียนจบ (เฉลี่ย)", "Completion (average)"),
    "average_score": ("ตอบถูกเฉลี่ย", "Average score"),
    "stopped_count": ("หยุดเรียน", "Stopped"),
    "activity_chart": ("ผู้เรียนที่เข้ามาเรียนในแต่ละวัน (14 วัน)", "Learners studying each day (14 days)"),
    "modules_chart": ("จำนวนผู้เรียนที่จบแต่ละบท", "Learners who finished each module"),
    "skills_chart": ("ทักษะที่ห้องนี้ยังพลาดบ่อย", "Skills this class misses most"),
    "skills_none": ("ยังมีคำตอบไม่พอจะบอกได้", "Not enough answers yet"),
    "questions_chart": ("ข้อที่ตอบผิดบ่อย", "Most missed questions"),
    "question": ("คำถาม", "Question"),
    "module": ("บท", "Module"),
    "missed": ("ตอบผิด", "Missed"),
    "stopped_title": ("ผู้เรียนที่หยุดเรียน (ลองทักไปชวนกลับมา)", "Learners who stopped (nudge them)"),
    "stopped_none": ("ไม่มีใครหยุดเรียน 👍", "Nobody has stopped 👍"),
    "learners_title": ("ผู้เรียนทั้งหมด", "All learners"),
    "learners_none": (
        'ยังไม่มีผู้เรียนในห้องนี้ ให้ผู้เรียนพิมพ์ "เข้าห้อง {code}" ถึงบอต',
        'No learners yet: learners send "เข้าห้อง {code}" to the bot',
    ),
    "name": ("ชื่อ", "Name"),
    "track": ("ชุดบทเรียน", "Track"),
    "progress": ("ความคืบหน้า", "Progress"),
    "score": ("ตอบถูก", "Correct"),
    "last_studied": ("เรียนล่าสุด", "Last studied"),
    "status": ("สถานะ", "Status"),
    "simulated": ("จำลอง", "simulated"),
    "download_csv": ("ดาวน์โหลด CSV (เปิดใน Excel ได้)", "Download CSV (opens in Excel)"),
    "never": ("ยังไม่เคย", "never"),
    # Trainers (admin)
    "trainers_title": ("บัญชีครู", "Trainer accounts"),
    "trainer_new": ("เพิ่มบัญชีครู", "Add a trainer"),
    "display_name": ("ชื่อที่ผู้เรียนเห็น", "Name learners see"),
    "role": ("สิทธิ์", "Role"),
    "role_admin": ("ผู้ดูแล (เห็นทุกห้อง)", "Admin (all classes)"),
    "role_trainer": ("ครู (เห็นเฉพาะห้องตัวเอง)", "Trainer (own classes)"),
    "trainer_created": ("เพิ่มบัญชี {username} แล้ว", "Added {username}"),
    "locked_until": ("ล็อกถึง", "Locked until"),
    "last_login": ("เข้าระบบล่าสุด", "Last sign-in"),
    # Audit
    "audit_title": ("บันทึกการส่งและการเปลี่ยนแปลง", "Audit log"),
    "when": ("เมื่อ", "When"),
    "who": ("ใคร", "Who"),
    "what": ("ทำอะไร", "What"),
    "how_many": ("ถึงกี่คน/กลุ่ม", "Recipients"),
    "audit_none": ("ยังไม่มีบันทึก", "Nothing yet"),
    # Simulator
    "sim_title": ("ลองคุยกับรู้ทัน", "Try Ruthan"),
    "sim_intro": (
        'หน้านี้จำลองแชต LINE กับ "รู้ทัน" ลองเรียนได้เลยโดยไม่ต้องมี LINE ข้อความและความคืบหน้าเก็บเหมือนผู้เรียนจริง',
        "A LINE chat with Ruthan in the browser: no LINE needed. Progress is kept like a real learner's.",
    ),
    "sim_placeholder": ("พิมพ์ข้อความ…", "Type a message…"),
    "sim_send": ("ส่ง", "Send"),
    "sim_new_learner": ("เริ่มใหม่เป็นผู้เรียนคนใหม่", "Start over as a new learner"),
    "sim_learner": ("ผู้เรียนจำลอง", "Simulated learner"),
    "sim_menu": ("เมนู", "Menu"),
    "sim_closed": (
        "หน้าจำลองปิดอยู่ (ตั้งค่า SIMULATOR)",
        "The simulator is switched off (setting SIMULATOR).",
    ),
}


def language_of(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return "en" if chosen == "en" else "th"


class Translator:
    def __init__(self, lang: str):
        self.lang = lang
        self._index = 1 if lang == "en" else 0

    def __call__(self, key: str, **values: object) -> str:
        pair = STRINGS.get(key)
        text = (pair[self._index] or pair[0]) if pair else key
        return text.format(**values) if values else text

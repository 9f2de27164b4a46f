"""The dashboard's words, Thai first with English beside them. Learner-facing text: bot/voice/texts.py.

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
    "login_expired": (
        "หน้าเข้าสู่ระบบนี้หมดอายุแล้ว กรุณากรอกอีกครั้งค่ะ",
        "This sign-in page has expired: please sign in again",
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
        'ส่งประกาศเข้ากลุ่ม LINE ด้วย: เชิญ "รู้ทัน" เข้ากลุ่ม พิมพ์ "เชื่อมห้อง {code}" ในกลุ่ม แล้วกดอนุมัติคำขอที่นี่',
        'Announce in a LINE group too: invite Ruthan to the group, type "เชื่อมห้อง {code}" there,'
        " then approve the request here",
    ),
    "group_pending": ("กลุ่มที่ขอรับประกาศ (รออนุมัติ)", "Groups asking for announcements (waiting)"),
    "group_pending_how": (
        "อนุมัติเฉพาะกลุ่มที่คุณเพิ่งพิมพ์คำขอเอง ทุกคนในกลุ่มจะได้รับประกาศ และนับรวมในโควตาข้อความ",
        "Approve only the groups where you typed the request yourself: every member gets the"
        " announcements, and each counts against the message quota",
    ),
    "group_asked_on": ("ขอเมื่อ", "Asked on"),
    "group_members": ("สมาชิก {n} คน", "{n} members"),
    "group_members_unknown": ("ไม่ทราบจำนวนสมาชิก", "member count unknown"),
    "group_approve": ("อนุมัติ", "Approve"),
    "group_reject": ("ปฏิเสธ", "Reject"),
    "group_approved": ("อนุมัติแล้ว ประกาศของห้องจะส่งเข้ากลุ่มนี้ด้วย", "Approved: announcements go there too"),
    "group_rejected": ("ปฏิเสธคำขอแล้ว", "Request rejected"),
    "group_full": ("ห้องนี้มีกลุ่มครบแล้ว เลิกส่งเข้ากลุ่มเก่าก่อน", "This class has all its groups: unlink one first"),
    "group_gone": ("ไม่พบคำขอนี้แล้ว", "That request is gone"),
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
    # Drill checks (issue 14): before/after
    "checks_title": ("จับโกง: ก่อนเรียนและหลังเรียน", "Scam spotting: before and after"),
    "checks_explain": (
        "H = จับของหลอกได้ (ยิ่งสูงยิ่งดี) · F = ตกใจกับของจริง (ยิ่งต่ำยิ่งดี) · d′ และความแม่นยำสมดุล ="
        " แยกของจริงกับของหลอกได้ดีแค่ไหน (0.5 = เดาสุ่ม)",
        "H = scams caught (higher is better) · F = genuine messages called scams (lower is better) · d′ and"
        " balanced accuracy = how well real and fake are told apart (0.5 = chance)",
    ),
    "checks_before": ("ก่อนเรียน", "Before"),
    "checks_after": ("หลังเรียน", "After"),
    "checks_learners": ("ผู้เรียนที่ทำ", "Learners who took it"),
    "checks_hits": ("จับของหลอกได้", "scams caught"),
    "checks_false_alarms": ("ตกใจกับของจริง", "false alarms"),
    "checks_mean_median": ("เฉลี่ย / มัธยฐาน", "mean / median"),
    "checks_accuracy": ("ความแม่นยำสมดุล", "Balanced accuracy"),
    "checks_cues": ("แยกตามจุดสังเกต", "By cue"),
    "checks_cue": ("จุดสังเกต", "Cue"),
    "checks_per_learner": ("รายคน", "Per learner"),
    "checks_none": ("ยังไม่มีใครทำแบบวัดจับโกง", "Nobody has taken a scam-spotting check yet"),
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
    # Certificates and the class poster (issue 18)
    "cert_heading": ("เกียรติบัตรและโปสเตอร์", "Certificates and poster"),
    "cert_pdf": ("ดาวน์โหลดเกียรติบัตรทั้งห้อง (PDF)", "Download the class's certificates (PDF)"),
    "cert_poster": ("โปสเตอร์เชิญเข้าห้อง (A4)", "Class invite poster (A4)"),
    "cert_none_yet": (
        "ยังไม่มีผู้เรียนในห้องนี้ได้รับเกียรติบัตร",
        "No learner in this class has a certificate yet",
    ),
    "cert_help": (
        "ผู้เรียนได้เกียรติบัตรใน LINE เมื่อเรียนจบหลักสูตร หนึ่งหน้า A4 ต่อหนึ่งใบ",
        "Learners get a certificate in LINE when they finish their track; one A4 page each",
    ),
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
    "trainer_unlock": ("ปลดล็อก", "Unlock"),
    "trainer_disable": ("ปิดบัญชี", "Disable"),
    "trainer_enable": ("เปิดบัญชี", "Enable"),
    "trainer_disabled": ("ปิดอยู่", "disabled"),
    "trainer_changed": ("บันทึกแล้ว", "Saved"),
    "last_login": ("เข้าระบบล่าสุด", "Last sign-in"),
    # Audit
    "audit_title": ("บันทึกการส่งและการเปลี่ยนแปลง", "Audit log"),
    "when": ("เมื่อ", "When"),
    "who": ("ใคร", "Who"),
    "what": ("ทำอะไร", "What"),
    "how_many": ("ถึงกี่คน/กลุ่ม", "Recipients"),
    "audit_none": ("ยังไม่มีบันทึก", "Nothing yet"),
    # Announcements
    "ann_title": ("ประกาศ", "Announcements"),
    "ann_new": ("เขียนประกาศใหม่", "New announcement"),
    "ann_edit": ("แก้ไขประกาศ", "Edit announcement"),
    "ann_none": ("ยังไม่มีประกาศ", "No announcements yet"),
    "ann_to": ("ส่งถึงห้อง", "To classes"),
    "ann_to_hint": (
        "เลือกได้หลายห้อง กลุ่ม LINE ของห้องจะได้รับด้วย",
        "Several allowed; their LINE groups get it too",
    ),
    "ann_headline": ("หัวข้อ (ไม่ใส่ก็ได้)", "Headline (optional)"),
    "ann_body": ("ข้อความ", "Message"),
    "ann_body_hint": (
        "เช่น ระวัง! มีคนโทรอ้างเป็นเจ้าหน้าที่ไปรษณีย์ ให้กดลิงก์ ห้ามกดนะคะ",
        "e.g. Beware: callers pretending to be the post office send links. Do not tap them.",
    ),
    "ann_image": ("ลิงก์รูปภาพ https:// (ไม่ใส่ก็ได้)", "Image link https:// (optional)"),
    "ann_style": ("รูปแบบ", "Style"),
    "ann_style_text": ("ข้อความธรรมดา", "Plain text"),
    "ann_style_card": ("การ์ดตัวอักษรใหญ่ (อ่านง่ายสำหรับผู้สูงอายุ)", "Large-type card (easy for older eyes)"),
    "ann_when": ("ส่งเมื่อไร", "When"),
    "ann_now": ("ส่งทันที", "Now"),
    "ann_later": ("ตั้งเวลาส่ง", "At a set time"),
    "ann_preview_button": ("ดูตัวอย่างก่อนส่ง", "Preview"),
    "ann_preview": ("ตัวอย่างที่ผู้เรียนจะเห็นใน LINE", "What learners will see in LINE"),
    "ann_reach": ("ส่งถึง", "Reaches"),
    "ann_learners": ("ผู้เรียน {n} คน", "{n} learners"),
    "ann_groups": ("กลุ่ม LINE {n} กลุ่ม", "{n} LINE groups"),
    "ann_group_members": ("(สมาชิกรวม {n} คน)", "({n} members)"),
    "ann_group_members_unknown": ("(ไม่ทราบจำนวนสมาชิก)", "(member count unknown)"),
    "ann_cost": ("ใช้โควตาข้อความ", "Uses from the quota"),
    "ann_cost_value": ("{n} ข้อความ", "{n} messages"),
    "ann_cost_unknown": ("ไม่ทราบ", "unknown"),
    "ann_quota": ("โควตาเดือนนี้", "This month's quota"),
    "ann_quota_value": (
        "ใช้ไป {used} จาก {limit} (เหลือ {remaining})",
        "{used} of {limit} used ({remaining} left)",
    ),
    "ann_quota_unlimited": ("ไม่จำกัด", "unlimited"),
    "ann_quota_unknown": ("ไม่ทราบ (ยังไม่ได้เชื่อมต่อ LINE)", "unknown (LINE not connected)"),
    "ann_over_quota": (
        "โควตาข้อความเดือนนี้ไม่พอ ส่งไม่ได้ ลองเลือกห้องให้น้อยลง หรืออัปเกรดแพ็กเกจ LINE OA",
        "Not enough messages left this month: choose fewer classes or upgrade the LINE OA plan",
    ),
    "ann_paused": (
        "ตอนนี้ LINE หยุดส่งชั่วคราวเพราะโควตาเต็ม ประกาศจะรอส่งเมื่อมีโควตา",
        "LINE sending is paused (quota used up): the announcement waits until there is quota",
    ),
    "ann_quiet": (
        "เวลาส่งอยู่ช่วง 21:00-08:00 ผู้เรียนอาจกำลังพักผ่อน",
        "It goes out between 21:00 and 08:00, when learners may be resting",
    ),
    "ann_send_now": ("ส่งเลย", "Send now"),
    "ann_schedule": ("ตั้งเวลาส่ง {when}", "Schedule for {when}"),
    "ann_save": ("บันทึกการแก้ไข", "Save changes"),
    "ann_back": ("กลับไปแก้ไข", "Back to edit"),
    # An announcement's state (bot.trainers.announcements.DELIVERY_STATES); each may use {sent} and {total}.
    "ann_state_scheduled": ("รอส่ง", "Scheduled"),
    "ann_state_cancelled": ("ยกเลิกแล้ว", "Cancelled"),
    "ann_state_waiting": ("กำลังส่ง (ถึงแล้ว {sent} จาก {total})", "Sending: delivered {sent} of {total}"),
    "ann_state_line_not_connected": (
        "ยังไม่ได้เชื่อมต่อ LINE (ถึงแล้ว {sent} จาก {total})",
        "LINE not connected: delivered {sent} of {total}",
    ),
    "ann_state_paused": (
        "รอโควตา LINE (ถึงแล้ว {sent} จาก {total})",
        "Waiting for LINE quota: delivered {sent} of {total}",
    ),
    "ann_state_delivered": ("ส่งถึง {sent} จาก {total}", "Delivered {sent} of {total}"),
    "ann_state_no_one": ("ไม่มีผู้รับ", "No recipients"),
    "ann_delivered": (
        "ส่งถึงแล้ว {sent} จาก {total} / รอส่ง {pending} / ไม่สำเร็จ {failed}",
        "Delivered {sent} of {total} / waiting {pending} / failed {failed}",
    ),
    "ann_waits_for_line": (
        "ยังไม่ได้เชื่อมต่อ LINE หรือ LINE ไม่รับรหัสเข้าใช้ (access token) ประกาศจะรอส่งจนกว่าจะเชื่อมต่อได้",
        "LINE is not connected, or refuses the access token: the announcement waits until it is",
    ),
    "ann_cancel": ("ยกเลิกประกาศนี้", "Cancel this announcement"),
    "ann_cancel_confirm": ("ยกเลิกประกาศนี้ใช่ไหม", "Cancel this announcement?"),
    "announcement_sent": ("กำลังส่งประกาศ", "The announcement is on its way"),
    "announcement_scheduled": (
        "ตั้งเวลาส่งแล้ว แก้ไขหรือยกเลิกได้จนถึงเวลาส่ง",
        "Scheduled: change or cancel it until then",
    ),
    "announcement_changed": ("บันทึกการแก้ไขแล้ว", "Changes saved"),
    "announcement_cancelled": ("ยกเลิกประกาศแล้ว", "Announcement cancelled"),
    "announcement_not_cancelled": ("ยกเลิกไม่ได้ ประกาศนี้ส่งไปแล้ว", "Too late: it has been sent"),
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
    # Per-learner page and filters (issue 18)
    "awaiting_parent": ("รอผู้ปกครองยินยอม", "Waiting for a parent's consent"),
    "awaiting_parent_note": (
        "มีเด็ก {n} คนเข้าห้องแล้ว แต่ยังรอผู้ปกครองยินยอม จึงยังไม่แสดงชื่อและผลการเรียน",
        "{n} children joined but wait for a parent's consent: their names and progress stay hidden",
    ),
    "filter_label": ("เลือกดูผู้เรียน", "Show learners"),
    "filter_all": ("ทั้งหมด", "All"),
    "filter_not_started": ("ยังไม่เริ่ม", "Not started"),
    "filter_stopped": ("หยุดเรียน", "Stopped"),
    "filter_behind": ("ตามหลังเพื่อน", "Behind"),
    "filter_none": ("ไม่มีผู้เรียนในกลุ่มนี้", "No learner in this group"),
    "learner_modules": ("บทเรียน", "Modules"),
    "learner_module_done": ("จบแล้ว", "Done"),
    "learner_module_now": ("กำลังเรียน", "In progress"),
    "learner_module_todo": ("ยังไม่เรียน", "Not yet"),
    "learner_quiz": ("คะแนนแบบทดสอบ", "Quiz score"),
    "learner_last_active": ("ใช้งานล่าสุด", "Last active"),
    "learner_reviews_due": ("ข้อทบทวนที่ถึงกำหนด", "Reviews due"),
    "learner_next_review": ("ทบทวนครั้งถัดไป", "Next review"),
    "learner_drills": ("แยกข้อความจริงกับหลอก", "Telling real from scam messages"),
    "learner_no_check": ("ยังไม่ได้ทำ", "Not taken"),
    "learner_joined": ("เข้าห้องเมื่อ", "Joined"),
    "back_to_class": ("กลับไปหน้าห้อง", "Back to the class"),
    "overview_classes": ("ห้องเรียน", "Classes"),
    # Assignments (issue 18 item 3)
    "assign_title": ("งานที่มอบหมาย", "Assignments"),
    "assign_how": (
        'เลือกบทเรียนและวันส่ง ผู้เรียนชุดบทเรียนนั้นจะเห็นบทนี้ก่อนเมื่อกด "เรียนต่อ" และในข้อความเตือนรายวัน',
        'Pick a module and a due date: learners on that track get it first in "เรียนต่อ" and in their daily'
        " reminder",
    ),
    "assign_none": ("ยังไม่มีงานที่มอบหมาย", "No assignments yet"),
    "assign_what": ("บทเรียน", "Module"),
    "assign_module": ("บทเรียน (ตามชุดบทเรียน)", "Module (by track)"),
    "assign_kind": ("ให้ทำ", "To do"),
    "assign_kind_module": ("เรียนบทนี้และทำแบบทดสอบ", "Study the module and pass its quiz"),
    "assign_kind_drills": ("ซ้อมจับโกงของบทนี้", "The module's scam drills"),
    "assign_drills_tag": ("ซ้อมจับโกง", "Drills"),
    "assign_due": ("ส่งภายใน", "Due"),
    "assign_day": ("วันที่", "Day"),
    "assign_month": ("เดือน", "Month"),
    "assign_year": ("ปี พ.ศ.", "Year"),
    "assign_submit": ("มอบหมาย", "Assign"),
    "assign_done": ("ทำแล้ว", "Done"),
    "assign_not_yet": ("ยังไม่ทำ", "Not yet"),
    "assign_overdue": ("เลยกำหนด", "Overdue"),
    "assign_nudge": ("ส่งข้อความเตือน", "Send a reminder"),
    "assign_nudge_confirm": (
        "ส่งข้อความเตือนถึงผู้เรียน {n} คนที่ยังไม่ทำ? ส่งได้ครั้งเดียวค่ะ",
        "Send the reminder to the {n} learners who have not done it? It can be sent once.",
    ),
    "assign_nudged": ("ส่งข้อความเตือนแล้วเมื่อ {at} ถึง {n} คน", "Reminder sent {at} to {n} learners"),
    "assign_nobody": ("ไม่มีใครต้องเตือน", "Nobody to remind"),
    "assign_remove": ("ลบงานนี้", "Remove"),
    "assign_remove_confirm": ("ลบงานนี้? ผู้เรียนจะไม่เห็นงานนี้อีก", "Remove it? Learners will no longer see it."),
    "assign_made": ("มอบหมายงานแล้ว", "Assignment made"),
    "assign_removed": ("ลบงานแล้ว", "Assignment removed"),
    "assign_nudge_sent": ("ส่งข้อความเตือนแล้ว", "Reminder sent"),
    "assign_nudge_again": (
        "ข้อความเตือนของงานนี้ส่งไปแล้วก่อนหน้านี้ ไม่ได้ส่งซ้ำค่ะ",
        "This assignment's reminder had been sent already: nothing was sent again",
    ),
    "assign_bad_date": ("วันที่นี้ไม่มีในปฏิทิน", "That date does not exist"),
    "assign_learners": ("ผู้เรียนชุดนี้", "Learners on the track"),
    # Class games in a LINE group (issue 18)
    "games": ("เกมในกลุ่ม LINE", "Games in a LINE group"),
    "games_how": (
        "ในกลุ่ม LINE ที่เชื่อมกับห้องนี้ พิมพ์ “เริ่มเกม” (เล่นเป็นทีม: “เริ่มเกม ทีม”, ไม่จับเวลา: “เริ่มเกม ไม่จับเวลา”)"
        " แล้วพิมพ์ “ข้อต่อไป” เพื่อดูผลและไปข้อถัดไป “จบเกม” เพื่อประกาศผู้ชนะ"
        " ต้องผูกบัญชี LINE ของครูก่อน (หน้ารายการห้อง)",
        'In a LINE group linked to this class, type "เริ่มเกม" (teams: "เริ่มเกม ทีม", no time limit:'
        ' "เริ่มเกม ไม่จับเวลา"), then "ข้อต่อไป" for the result and the next question, "จบเกม" for the podium.'
        " Link your own LINE account first (on the class list).",
    ),
    "games_none": ("ยังไม่มีเกม", "No games yet"),
    "game_played_at": ("วันที่", "Date"),
    "game_questions": ("จำนวนข้อ", "Questions"),
    "game_players": ("ผู้เล่น", "Players"),
    "game_correct": ("ตอบถูก", "Right answers"),
    "game_mode": ("แบบ", "Mode"),
    "game_timed": ("จับเวลา {s} วินาที", "{s} s per question"),
    "game_untimed": ("ไม่จับเวลา", "No time limit"),
    "game_teams": ("{n} ทีม", "{n} teams"),
    "game_team_mode": ("เล่นเป็นทีม", "Teams"),
    "game_no_teams": ("ไม่แบ่งทีม (แข่งรายคน)", "No teams (each for themselves)"),
    "game_status_waiting": ("รอเริ่มในกลุ่ม", "Waiting in the group"),
    "game_status_playing": ("กำลังเล่น", "Playing"),
    "game_status_ended": ("จบแล้ว", "Ended"),
    "game_end": ("จบเกมนี้", "End this game"),
    "game_prepare": ("เตรียมเกม", "Prepare a game"),
    "game_prepare_how": (
        "เตรียมไว้ที่นี่ได้ แล้วคำถามข้อแรกจะขึ้นในกลุ่มเมื่อครูพิมพ์ “ข้อต่อไป” (หรือ “เริ่มเกม”) ในกลุ่ม"
        " ระบบไม่ส่งข้อความเอง จึงไม่ใช้โควตาข้อความของบัญชี",
        'Prepare it here: the first question appears in the group when you type "ข้อต่อไป" (or "เริ่มเกม")'
        " there. Nothing is pushed, so no message quota is used.",
    ),
    "game_group": ("กลุ่ม", "Group"),
    "game_source": ("คำถาม", "Questions"),
    "game_source_mix": ("คละคำถามและ “จริงหรือหลอก?”", 'Quiz questions and "real or scam?" drills'),
    "game_source_drills": ("“จริงหรือหลอก?” อย่างเดียว", 'Only "real or scam?" drills'),
    "game_count": ("จำนวนข้อ", "Number of questions"),
    "game_no_groups": ("เชื่อมกลุ่ม LINE กับห้องนี้ก่อน", "Link a LINE group to this class first"),
    "game_prepared": ("เตรียมเกมแล้ว พิมพ์ “ข้อต่อไป” ในกลุ่มเพื่อเริ่ม", 'Game ready: type "ข้อต่อไป" in the group'),
    "game_busy": ("กลุ่มนี้มีเกมค้างอยู่ จบเกมเดิมก่อน", "That group has a game already: end it first"),
    "game_ended": ("จบเกมแล้ว", "Game ended"),
    "line_title": ("บัญชี LINE ของครู", "Your LINE account"),
    "line_how": (
        "ผูกบัญชี LINE ของครูเพื่อเริ่มเกมในกลุ่ม LINE ของห้อง: กดขอรหัส แล้วพิมพ์ข้อความด้านล่างถึงบอท"
        " (แชตส่วนตัวหรือในกลุ่มก็ได้) ภายใน 30 นาที",
        "Link your LINE account to run games in your classes' LINE groups: get a code, then send the message"
        " below to the bot (one-to-one or in the group) within 30 minutes.",
    ),
    "line_linked": ("ผูกบัญชี LINE แล้ว", "Your LINE account is linked"),
    "line_not_linked": ("ยังไม่ได้ผูกบัญชี LINE", "No LINE account linked"),
    "line_new_code": ("ขอรหัสผูกบัญชี", "Get a code"),
    "line_unlink": ("เลิกผูกบัญชี LINE", "Unlink"),
    "line_code_until": ("ใช้ได้ถึง", "Valid until"),
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

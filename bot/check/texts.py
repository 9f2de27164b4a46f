"""What Ruthan says after checking a forwarded message: every sentence here, to be read aloud and reviewed.

Never "safe" (ปลอดภัย): with no sign found we say we found none we know, and how to check anyway.
1441 is the AOC anti-online-scam hotline (DES, 24 hours, phone only), source:
https://mgronline.com/politics/detail/9660000098635 (checked 2026-12-04, via shared/research).
"""

from __future__ import annotations

WARNING_TITLE = "⚠️ พบสัญญาณเตือน {count} อย่างค่ะ"
WARNING_TITLE_ELDERLY = "⚠️ ระวังค่ะ เจอ {count} จุดน่าสงสัย"
SIGN_LINE = "{number}. {text}\nตรงที่เขียนว่า “{evidence}”"
MORE_SIGNS = "และอีก {count} อย่างค่ะ"
WHAT_TO_DO_TITLE = "ทำอย่างไรดีคะ"
WHAT_TO_DO = (
    "อย่ากดลิงก์ อย่าโอนเงิน อย่าบอกรหัส\n"
    "ถ้าอยากรู้ให้แน่ โทรหาเบอร์จริงของหน่วยงานนั้นเอง (ดูหลังบัตรหรือในแอปที่เปิดเอง)\n"
    "ถ้าโอนเงินหรือบอกรหัสไปแล้ว โทรหาธนาคารทันที แล้วโทร 1441 ค่ะ"
)
WHAT_TO_DO_ELDERLY = "อย่ากดลิงก์ อย่าโอนเงิน\nโทรถามลูกหลานก่อนนะคะ\nโอนไปแล้ว โทรธนาคาร แล้วโทร 1441 ค่ะ"

NO_SIGNS_TITLE = "ไม่พบสัญญาณเตือนที่รู้ทันรู้จักค่ะ"
NO_SIGNS = (
    "แต่ยังบอกไม่ได้ว่าเป็นของจริงนะคะ คนโกงเปลี่ยนวิธีอยู่เสมอ\n"
    "วิธีเช็กเอง:\n"
    "• โทรหาเบอร์ทางการที่หาเอง (หลังบัตร หรือบนเว็บจริง) ไม่ใช่เบอร์ในข้อความ\n"
    "• เปิดแอปของธนาคารหรือร้านค้าเอง แทนการกดลิงก์\n"
    "• ถ้าต้องโอนเงิน ถามคนที่ไว้ใจก่อนทุกครั้งค่ะ"
)
NO_SIGNS_ELDERLY = "แต่ยังไม่แน่ว่าเป็นของจริงนะคะ\nโทรเบอร์จริงที่หาเองก่อน\nหรือโทรถามลูกหลานค่ะ"

NOT_A_MESSAGE = "ส่งข้อความ ลิงก์ หรือภาพหน้าจอที่สงสัยมาได้เลยค่ะ\nรู้ทันจะช่วยดูว่ามีสัญญาณเตือนตรงไหนบ้าง"
NOT_A_MESSAGE_ELDERLY = "ส่งข้อความหรือรูปที่สงสัยมาได้เลยค่ะ\nรู้ทันจะช่วยดูให้"

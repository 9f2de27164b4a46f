"""Issue 18, item 3: a trainer assigns a module with a due date; learners get it first in "เรียนต่อ" and in
their reminder; the dashboard shows who has done it; one nudge goes to those who have not."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from bot.storage.models import OutboxBatch
from bot.storage.trainers import AuditEntry
from tests.harness import BotUnderTest, Reply, user_id
from tests.test_classes import teacher_with_class
from tests.test_drills_flow import bot as drill_bot
from tests.test_drills_flow import drill_content
from tests.test_learning_loop import onboard, rows
from tests.trainer_support import make_trainer, sign_in, tbot

__all__ = ["drill_bot", "drill_content", "tbot"]
DUE = date(2026, 11, 28)  # the test clock starts on 20 Nov 2026, 10:00 in Bangkok


async def assign(
    bot: BotUnderTest,
    headers: dict[str, str],
    class_id: int,
    module_id: str,
    track_id: str = "general",
    **more: Any,
) -> Any:
    body = {"track_id": track_id, "module_id": module_id, "due_on": DUE.isoformat(), **more}
    return await bot.http.post(f"/api/v1/classes/{class_id}/assignments", json=body, headers=headers)


async def assignments(bot: BotUnderTest, headers: dict[str, str], class_id: int) -> list[dict[str, Any]]:
    response = await bot.http.get(f"/api/v1/classes/{class_id}/assignments", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def join(bot: BotUnderTest, name: str, code: str, track: str = "บุคคลทั่วไป") -> str:
    user = user_id(name)
    await onboard(bot, user, track)
    await bot.say(user, f"เข้าห้อง {code} {name}")
    return user


async def finish_links(bot: BotUnderTest, user: str, screen: Reply) -> Reply:
    """Read the two cards of ลิงก์ปลอม and answer its three questions right."""
    screen = await bot.tap(user, screen, "ต่อไป")
    screen = await bot.tap(user, screen, "ต่อไป")
    for answer in ("ไม่กด เช็กเอง", "รีบและตกใจ", "โทรหาธนาคารทันที"):
        screen = await bot.say(user, answer)
    return screen


def pushed_to(reply: Reply) -> list[str]:
    """Every user a push or multicast of `reply` went to."""
    users: list[str] = []
    for call in reply.calls:
        if call.path.endswith(("/push", "/multicast")):
            to = call.body["to"]
            users += to if isinstance(to, list) else [to]
    return users


async def test_an_assignment_comes_first_and_the_dashboard_sees_it_done(tbot: BotUnderTest) -> None:
    headers, classroom = await teacher_with_class(tbot, "ป.5/2")
    ann = await join(tbot, "แอน", classroom["code"])
    bee = await join(tbot, "บี", classroom["code"])
    # A module the learners' track does not contain is refused, saying why.
    refused = await assign(tbot, headers, classroom["id"], "t-elder")
    assert refused.status_code == 422 and "ไม่มีบทนี้" in refused.json()["detail"]
    made = await assign(tbot, headers, classroom["id"], "t-links")
    assert made.status_code == 201, made.text
    assert made.json()["title"] == "ลิงก์ปลอม" and made.json()["not_yet"] == ["แอน", "บี"]

    # Onboarding left Ann on the first card of หยุด คิด ถาม ทำ; "เรียนต่อ" now opens the assigned module.
    screen = await tbot.say(ann, "เรียนต่อ")
    assert "ครูให้เรียนบท ลิงก์ปลอม ส่งภายใน 28 พ.ย. ค่ะ" in screen.text
    assert "SMS ที่มีลิงก์ อาจเป็นของปลอม" in screen.text
    done = await finish_links(tbot, ann, screen)
    assert "ตอบถูก 3 จาก 3 ข้อ" in done.text
    # Done: after it, "เรียนต่อ" is the normal next module again.
    after = await tbot.say(ann, "เรียนต่อ")
    assert "ครูให้" not in after.text and "หยุด คิด ถาม ทำ" in after.text

    [row] = await assignments(tbot, headers, classroom["id"])
    assert (row["done"], row["not_yet"], row["overdue"]) == (["แอน"], ["บี"], [])
    # In the middle of a module (past its first card), "เรียนต่อ" keeps the learner where they are.
    moved = await tbot.say(bee, "ต่อไป")
    assert "ครูให้" not in moved.text
    kept = await tbot.say(bee, "เรียนต่อ")
    assert "ครูให้" not in kept.text and kept.texts == moved.texts
    # Past the due date, Bee is overdue; the class page says so too.
    tbot.clock.advance(days=9)
    headers = await sign_in(tbot, "somsri")
    [row] = await assignments(tbot, headers, classroom["id"])
    assert (row["done"], row["not_yet"], row["overdue"]) == (["แอน"], [], ["บี"])
    from tests.test_drills_flow import through_module

    summary = await through_module(tbot, bee, kept)  # Bee finishes the module she was in ...
    assert "บทต่อไป: ลิงก์ปลอม" in summary.text
    late = await tbot.say(bee, "เรียนต่อ")  # ... then the assignment, late
    assert "เลยกำหนดส่ง (28 พ.ย.) แล้ว" in late.text
    audit = [(entry.action, entry.trainer_id is not None) for entry in rows(tbot, AuditEntry)]
    assert ("assignment.create", True) in audit


async def test_the_one_nudge_reaches_only_those_not_done_once(tbot: BotUnderTest) -> None:
    headers, classroom = await teacher_with_class(tbot, "ป.5/2")
    ann = await join(tbot, "แอน", classroom["code"])
    bee = await join(tbot, "บี", classroom["code"])
    gone = await join(tbot, "ซี", classroom["code"])
    await tbot.unfollow(gone)  # blocked the bot: not nudged
    erased = await join(tbot, "ดี", classroom["code"])
    await tbot.tap(erased, await tbot.say(erased, "ลบข้อมูลของฉัน"), "ลบเลย")  # erased: not nudged
    made = (await assign(tbot, headers, classroom["id"], "t-links")).json()
    await finish_links(tbot, ann, await tbot.say(ann, "เรียนต่อ"))

    tbot.line.take()
    url = f"/api/v1/classes/{classroom['id']}/assignments/{made['id']}/nudge"
    # Over the month's LINE quota it is refused and nothing is spent: it can be sent once there is room.
    tbot.line.quota_limit = tbot.line.messages_accepted
    refused = await tbot.http.post(url, headers=headers)
    assert refused.status_code == 409 and "quota" in refused.text
    assert (await assignments(tbot, headers, classroom["id"]))[0]["nudged_at"] is None
    tbot.line.quota_limit = None
    # A double click: two presses at once, one nudge.
    both = await asyncio.gather(tbot.http.post(url, headers=headers), tbot.http.post(url, headers=headers))
    assert sorted(response.json()["sent"] for response in both) == [False, True]
    first = next(response for response in both if response.json()["sent"])
    assert first.status_code == 200 and first.json()["learners"] == 1
    await tbot.services.announcements.settle()
    sent = Reply(tbot.line.take())
    assert pushed_to(sent) == [bee]
    assert "ครูฝากเตือนค่ะ" in sent.text and "ลิงก์ปลอม ส่งภายใน 28 พ.ย." in sent.text
    assert sent.labels == ["เรียนต่อ"]
    # A second press (a double click, a retry) sends nothing and says when and to how many.
    again = await tbot.http.post(url, headers=headers)
    assert again.status_code == 200 and again.json() == {**first.json(), "sent": False}
    await tbot.services.announcements.settle()
    await tbot.runtime.settle()
    assert pushed_to(Reply(tbot.line.take())) == []
    assert len(rows(tbot, OutboxBatch)) == 1
    [row] = await assignments(tbot, headers, classroom["id"])
    assert row["nudged"] == 1 and row["nudged_at"] is not None
    # Nudged learners are taken straight to the assignment.
    screen = await tbot.say(bee, "เรียนต่อ")
    assert "ครูให้เรียนบท ลิงก์ปลอม" in screen.text


async def test_another_trainers_class_has_no_assignments_to_see_or_change(tbot: BotUnderTest) -> None:
    headers, classroom = await teacher_with_class(tbot, "ป.5/2")
    made = (await assign(tbot, headers, classroom["id"], "t-links")).json()
    make_trainer(tbot, "other")
    theirs = await sign_in(tbot, "other")
    base = f"/api/v1/classes/{classroom['id']}/assignments"
    assert (await tbot.http.get(base, headers=theirs)).status_code == 404
    assert (await assign(tbot, theirs, classroom["id"], "t-links")).status_code == 404
    assert (await tbot.http.post(f"{base}/{made['id']}/nudge", headers=theirs)).status_code == 404
    assert (await tbot.http.delete(f"{base}/{made['id']}", headers=theirs)).status_code == 404
    # The owner removes it; the learner's "เรียนต่อ" is the normal order again.
    assert (await tbot.http.delete(f"{base}/{made['id']}", headers=headers)).status_code == 204
    assert await assignments(tbot, headers, classroom["id"]) == []
    assert (await tbot.http.delete(f"{base}/{made['id']}", headers=headers)).status_code == 404
    past = await assign(tbot, headers, classroom["id"], "t-links", due_on="2026-11-01")
    assert past.status_code == 422 and "ผ่านไปแล้ว" in past.json()["detail"]
    # A module without drills (this content has none) cannot be given as drills.
    none = await assign(tbot, headers, classroom["id"], "t-links", kind="drills")
    assert none.status_code == 422 and "ยังไม่มีแบบฝึกจับโกง" in none.json()["detail"]


async def test_the_daily_reminder_names_the_assignment_first(tbot: BotUnderTest) -> None:
    headers, classroom = await teacher_with_class(tbot, "ชมรม")
    ann = await join(tbot, "แอน", classroom["code"])
    bee = await join(tbot, "บี", classroom["code"])
    await assign(tbot, headers, classroom["id"], "t-links")
    await finish_links(tbot, bee, await tbot.say(bee, "เรียนต่อ"))  # Bee has done it
    tbot.clock.advance(days=1, hours=9)  # 21 Nov, 19:00 in Bangkok: reminder time
    tbot.line.take()
    await tbot.runtime.sweep_once()
    sent = Reply(tbot.line.take())
    by_user = {}
    for call in sent.calls:
        to = call.body["to"]
        for user in to if isinstance(to, list) else [to]:
            by_user[user] = "\n".join(m["text"] for m in call.body["messages"])
    assert "ครูให้เรียนบท ลิงก์ปลอม ส่งภายใน 28 พ.ย. ค่ะ" in by_user[ann]
    assert "ครูให้" not in by_user[bee] and "บทต่อไป: หยุด คิด ถาม ทำ" in by_user[bee]


async def test_the_class_page_form_assigns_shows_counts_and_nudges_once(tbot: BotUnderTest) -> None:
    from tests.test_admin_pages import browser_sign_in

    _, classroom = await teacher_with_class(tbot, "ป.5/2")
    ann = await join(tbot, "แอน", classroom["code"])
    await join(tbot, "บี", classroom["code"])
    csrf = await browser_sign_in(tbot, "somsri")
    url = f"/admin/classes/{classroom['id']}"
    page = (await tbot.http.get(url)).text
    # The due date is picked in the Thai calendar: month names and Buddhist-era years.
    assert 'id="assign-form"' in page and "พฤศจิกายน" in page and ">2569</option>" in page
    assert '<optgroup label="บุคคลทั่วไป">' in page
    form = {"csrf": csrf, "choice": "general/t-links", "kind": "module", "due_day": "28", "due_month": "11"}
    # 31 November does not exist: the form comes back with the choice kept and a kind word.
    bad = await tbot.http.post(f"{url}/assignments", data={**form, "due_day": "31", "due_year": "2026"})
    assert bad.status_code == 422 and "วันที่นี้ไม่มีในปฏิทิน" in bad.text
    assert 'value="general/t-links" selected' in bad.text
    # An elderly module for the general track is refused with the reason.
    wrong = await tbot.http.post(
        f"{url}/assignments", data={**form, "choice": "general/t-elder", "due_year": "2026"}
    )
    assert wrong.status_code == 422 and "ไม่มีบทนี้" in wrong.text
    made = await tbot.http.post(f"{url}/assignments", data={**form, "due_year": "2026"})
    assert made.status_code == 303
    await finish_links(tbot, ann, await tbot.say(ann, "เรียนต่อ"))
    page = (await tbot.http.get(url)).text
    row = page.split('id="assignment-list"', 1)[1].split("</article>", 1)[0]
    assert "ลิงก์ปลอม" in row and "28 พ.ย. 2569" in row
    done = row.split('class="assign-done">', 1)[1].split("</li>", 1)[0]
    not_yet = row.split('class="assign-not-yet">', 1)[1].split("</li>", 1)[0]
    assert '"count">1<' in done and "แอน" in done and '"count">1<' in not_yet and "บี" in not_yet
    assert "ส่งข้อความเตือน (1)" in row
    nudge = row.split('action="', 2)[1].split('"', 1)[0]
    assert nudge.endswith("/nudge")
    tbot.line.take()
    first = await tbot.http.post(nudge, data={"csrf": csrf})
    second = await tbot.http.post(nudge, data={"csrf": csrf})
    assert first.headers["location"].endswith("assign_nudge_sent")
    assert second.headers["location"].endswith("assign_nudge_again")
    await tbot.services.announcements.settle()
    assert len(pushed_to(Reply(tbot.line.take()))) == 1
    page = (await tbot.http.get(second.headers["location"])).text
    assert "ข้อความเตือนของงานนี้ส่งไปแล้วก่อนหน้านี้" in page and "ส่งข้อความเตือนแล้วเมื่อ" in page
    assert "ส่งข้อความเตือน (1)" not in page
    # Without the CSRF token nothing happens.
    assert (
        await tbot.http.post(f"{url}/assignments", data={**form, "csrf": "x", "due_year": "2026"})
    ).status_code == 403


async def test_a_drill_set_assignment_is_done_once_every_drill_is_judged(drill_bot: BotUnderTest) -> None:
    """Drills of a module as an assignment: offered by "เรียนต่อ" at the end of a module, as a round of the
    drills not judged yet; done once all are judged, whatever the path."""
    from tests.test_drills_flow import drill_on_screen, is_genuine, through_module
    from tests.test_drills_flow import onboard as onboard_with_check

    bot = drill_bot
    make_trainer(bot, "somsri", name="ครูสมศรี")
    headers = await sign_in(bot, "somsri")
    classroom = (await bot.http.post("/api/v1/classes", json={"name": "ป.6"}, headers=headers)).json()
    user = user_id("drill-learner")
    screen = await onboard_with_check(bot, user, "บุคคลทั่วไป")  # the general track has no check
    await bot.say(user, f"เข้าห้อง {classroom['code']} ดาว")
    made = await assign(bot, headers, classroom["id"], "t-links", kind="drills")
    assert made.status_code == 201, made.text

    # Mid-module, the drill set waits: "เรียนต่อ" keeps the learner on the card.
    again = await bot.say(user, "เรียนต่อ")
    assert "ครูให้" not in again.text
    done = await through_module(bot, user, screen)  # หยุด คิด ถาม ทำ, and its own drills
    while any(b["label"] in ("จริง", "หลอก") for b in done.buttons):
        drill = drill_on_screen(done)
        done = await bot.say(user, "จริง" if is_genuine(bot.content, drill) else "หลอก")
    screen = await bot.say(user, "เรียนต่อ")
    assert "ครูให้ซ้อมจับโกงของบท ลิงก์ปลอม ส่งภายใน 28 พ.ย. ค่ะ" in screen.text
    judged = 0
    while any(b["label"] in ("จริง", "หลอก") for b in screen.buttons):
        drill = drill_on_screen(screen)
        screen = await bot.say(user, "จริง" if is_genuine(bot.content, drill) else "หลอก")
        judged += 1
    assert judged == 8  # the module's eight practice drills for the track
    [row] = await assignments(bot, headers, classroom["id"])
    assert row["done"] == ["ดาว"] and row["kind"] == "drills"
    after = await bot.say(user, "เรียนต่อ")
    assert "ครูให้" not in after.text and "SMS ที่มีลิงก์" in after.text


def test_the_elderly_get_the_shortest_words() -> None:
    from bot.voice.assignments import assigned_line, nudge_messages

    today = date(2026, 11, 20)
    assert assigned_line("โทรมาขู่", DUE, today=today, elderly=True) == "ครูให้เรียนบท โทรมาขู่ ค่ะ\nก่อนวันที่ 28 พ.ย."
    late = assigned_line("โทรมาขู่", DUE, today=date(2026, 12, 1), elderly=True)
    assert late == "ครูให้เรียนบท โทรมาขู่ ค่ะ\nเลยวันที่ 28 พ.ย. แล้ว ยังเรียนได้ค่ะ"
    [nudge] = nudge_messages("โทรมาขู่", DUE, today=today, elderly=True, drills=False)
    assert nudge["text"].startswith("📚 ครูฝากบอกค่ะ") and "ยังไม่ได้ทำ" not in nudge["text"]
    assert [item["action"]["label"] for item in nudge["quickReply"]["items"]] == ["เรียนต่อ"]

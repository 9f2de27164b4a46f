"""Who may see and do what: signing in, lock-out, expiry, and the wall between trainers' classes."""

from __future__ import annotations

from bot.storage.trainers import Role
from tests.harness import BotUnderTest
from tests.trainer_support import PASSWORD, make_trainer, new_class, sign_in, tbot

__all__ = ["tbot"]


async def test_trainer_signs_in_and_sees_who_they_are(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "somsri", name="ครูสมศรี")
    headers = await sign_in(tbot, "SomSri ")  # names are case-insensitive
    me = (await tbot.http.get("/api/v1/me", headers=headers)).json()
    assert me["username"] == "somsri" and me["display_name"] == "ครูสมศรี" and me["role"] == "trainer"


async def test_every_api_call_needs_a_session(tbot: BotUnderTest) -> None:
    for method, path in [
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/classes"),
        ("POST", "/api/v1/classes"),
        ("GET", "/api/v1/classes/1"),
        ("GET", "/api/v1/classes/1/export.csv"),
        ("GET", "/api/v1/classes/1/learners/1"),
        ("GET", "/api/v1/assignment-choices"),
        ("GET", "/api/v1/classes/1/assignments"),
        ("POST", "/api/v1/classes/1/assignments"),
        ("DELETE", "/api/v1/classes/1/assignments/1"),
        ("POST", "/api/v1/classes/1/assignments/1/nudge"),
        ("GET", "/api/v1/audit"),
        ("GET", "/api/v1/trainers"),
    ]:
        response = await tbot.http.request(method, path, json={"name": "x"} if method == "POST" else None)
        assert response.status_code == 401, (method, path)
    bogus = {"Authorization": "Bearer not-a-token"}
    assert (await tbot.http.get("/api/v1/me", headers=bogus)).status_code == 401


async def test_trainer_a_cannot_see_or_touch_class_b(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "teacher-a")
    make_trainer(tbot, "teacher-b")
    a = await sign_in(tbot, "teacher-a")
    b = await sign_in(tbot, "teacher-b")
    class_b = await new_class(tbot, b, "ห้องของครูบี")
    mine = await new_class(tbot, a, "ห้องของครูเอ")
    listed = (await tbot.http.get("/api/v1/classes", headers=a)).json()
    assert [c["id"] for c in listed] == [mine["id"]]
    for path in ("", "/learners", "/questions", "/export.csv", "/groups", "/qr.png"):
        response = await tbot.http.get(f"/api/v1/classes/{class_b['id']}{path}", headers=a)
        assert response.status_code == 404, path
    assert (await tbot.http.delete(f"/api/v1/classes/{class_b['id']}/groups/1", headers=a)).status_code == 404
    # ... and the same holds for a class that does not exist at all: the answers look alike.
    assert (await tbot.http.get("/api/v1/classes/9999", headers=a)).status_code == 404


async def test_admin_sees_every_class_and_manages_accounts(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "boss", role=Role.ADMIN)
    make_trainer(tbot, "teacher")
    teacher = await sign_in(tbot, "teacher")
    admin = await sign_in(tbot, "boss")
    theirs = await new_class(tbot, teacher)
    assert [c["id"] for c in (await tbot.http.get("/api/v1/classes", headers=admin)).json()] == [theirs["id"]]
    assert (await tbot.http.get(f"/api/v1/classes/{theirs['id']}", headers=admin)).status_code == 200
    created = await tbot.http.post(
        "/api/v1/trainers",
        json={"username": "newbie", "display_name": "ครูใหม่", "password": "long enough pw"},
        headers=admin,
    )
    assert created.status_code == 201 and created.json()["role"] == "trainer"
    assert (await tbot.http.get("/api/v1/trainers", headers=teacher)).status_code == 403
    forbidden = await tbot.http.post(
        "/api/v1/trainers",
        json={"username": "sneaky", "display_name": "x", "password": "long enough pw", "role": "admin"},
        headers=teacher,
    )
    assert forbidden.status_code == 403


async def test_wrong_passwords_lock_the_account_even_against_the_right_one(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "victim")
    for _ in range(4):
        wrong = await tbot.http.post(
            "/api/v1/session", json={"username": "victim", "password": "guess-guess"}
        )
        assert wrong.status_code == 401
    fifth = await tbot.http.post("/api/v1/session", json={"username": "victim", "password": "guess-guess"})
    assert fifth.status_code == 423 and int(fifth.headers["Retry-After"]) > 0
    right = await tbot.http.post("/api/v1/session", json={"username": "victim", "password": PASSWORD})
    assert right.status_code == 423
    tbot.clock.advance(minutes=16)
    await sign_in(tbot, "victim")


async def test_one_address_trying_many_names_must_wait(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "someone")
    for attempt in range(30):
        response = await tbot.http.post(
            "/api/v1/session", json={"username": f"name{attempt}", "password": "x" * 12}
        )
        assert response.status_code == 401
    throttled = await tbot.http.post("/api/v1/session", json={"username": "someone", "password": PASSWORD})
    assert throttled.status_code == 429
    tbot.clock.advance(minutes=16)
    await sign_in(tbot, "someone")


async def test_unknown_names_and_wrong_passwords_get_the_same_answer(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "real")
    unknown = await tbot.http.post("/api/v1/session", json={"username": "ghost", "password": "whatever-123"})
    wrong = await tbot.http.post("/api/v1/session", json={"username": "real", "password": "whatever-123"})
    assert unknown.status_code == wrong.status_code == 401 and unknown.json() == wrong.json()


async def test_sessions_expire_when_unused_and_after_a_week(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "sleepy")
    headers = await sign_in(tbot, "sleepy")
    tbot.clock.advance(hours=11)
    assert (await tbot.http.get("/api/v1/me", headers=headers)).status_code == 200  # renewed by use
    tbot.clock.advance(hours=11)
    assert (await tbot.http.get("/api/v1/me", headers=headers)).status_code == 200
    tbot.clock.advance(hours=13)
    assert (await tbot.http.get("/api/v1/me", headers=headers)).status_code == 401  # idle too long
    headers = await sign_in(tbot, "sleepy")
    for _ in range(16):  # used every 11 hours, it still ends after 7 days
        tbot.clock.advance(hours=11)
        last = await tbot.http.get("/api/v1/me", headers=headers)
    assert last.status_code == 401


async def test_signing_out_ends_the_session(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "leaver")
    headers = await sign_in(tbot, "leaver")
    assert (await tbot.http.delete("/api/v1/session", headers=headers)).status_code == 204
    assert (await tbot.http.get("/api/v1/me", headers=headers)).status_code == 401


async def test_cookie_writes_need_the_csrf_token(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "browser")
    response = await tbot.http.post("/api/v1/session", json={"username": "browser", "password": PASSWORD})
    tbot.http.cookies.set("ruthan_session", response.json()["token"])
    refused = await tbot.http.post("/api/v1/classes", json={"name": "x"})
    assert refused.status_code == 403
    assert (await tbot.http.get("/api/v1/me")).status_code == 200  # reading needs no token


async def test_sign_ins_and_class_creation_are_audited(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "boss", role=Role.ADMIN)
    make_trainer(tbot, "teacher")
    teacher = await sign_in(tbot, "teacher")
    await new_class(tbot, teacher, "ห้องหนึ่ง")
    entries = (await tbot.http.get("/api/v1/audit", headers=teacher)).json()
    assert [e["action"] for e in entries] == ["class.create"] and entries[0]["actor"] == "teacher"
    admin = await sign_in(tbot, "boss")
    assert [e["action"] for e in (await tbot.http.get("/api/v1/audit", headers=admin)).json()] == [
        "class.create"
    ]


async def test_openapi_documents_the_trainer_api(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "kru")
    schema = (await tbot.http.get("/openapi.json", headers=await sign_in(tbot, "kru"))).json()
    for path in ("/api/v1/session", "/api/v1/classes", "/api/v1/classes/{class_id}", "/api/v1/audit"):
        assert path in schema["paths"]


async def test_an_admin_unlocks_and_disables_accounts(tbot: BotUnderTest) -> None:
    boss_id = make_trainer(tbot, "boss", role=Role.ADMIN)
    victim_id = make_trainer(tbot, "victim")
    admin = await sign_in(tbot, "boss")
    victim = await sign_in(tbot, "victim")
    for _ in range(5):
        await tbot.http.post("/api/v1/session", json={"username": "victim", "password": "guess-guess"})
    assert (
        await tbot.http.post("/api/v1/session", json={"username": "victim", "password": PASSWORD})
    ).status_code == 423
    unlocked = await tbot.http.patch(f"/api/v1/trainers/{victim_id}", json={"unlock": True}, headers=admin)
    assert unlocked.status_code == 200
    await sign_in(tbot, "victim")
    disabled = await tbot.http.patch(f"/api/v1/trainers/{victim_id}", json={"active": False}, headers=admin)
    assert disabled.status_code == 200
    assert (await tbot.http.get("/api/v1/me", headers=victim)).status_code == 401  # signed out at once
    refused = await tbot.http.post("/api/v1/session", json={"username": "victim", "password": PASSWORD})
    assert refused.status_code == 401
    own = await tbot.http.patch(f"/api/v1/trainers/{boss_id}", json={"active": False}, headers=admin)
    assert own.status_code == 409
    assert (await tbot.http.patch(f"/api/v1/trainers/{boss_id}", json={}, headers=victim)).status_code == 401
    actions = [entry["action"] for entry in (await tbot.http.get("/api/v1/audit", headers=admin)).json()]
    assert actions.count("trainer.change") == 2

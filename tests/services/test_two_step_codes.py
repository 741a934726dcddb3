"""Two-step sign-in's codes: each counts once, the one before counts too, recovery codes are
stored as what cannot be read back, and a sealed key opens only for its account."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp

from quartauth.services import two_step_codes
from quartauth.services.two_step_codes import Check, KeyBox, check_code

NOW = datetime(2026, 6, 1, 12, 0, 10, tzinfo=UTC)
STEP = timedelta(seconds=30)


def code_at(key: str, moment: datetime) -> str:
    return pyotp.TOTP(key).at(moment)


def test_a_code_counts_once_and_a_later_one_still_counts():
    key = two_step_codes.new_key()

    first = check_code(key, code_at(key, NOW), NOW, last_step=None)
    again = check_code(key, code_at(key, NOW), NOW, last_step=first.step)
    later = check_code(key, code_at(key, NOW + STEP), NOW + STEP, last_step=first.step)

    assert first.result is Check.ACCEPTED and first.step == pyotp.TOTP(key).timecode(NOW)
    assert again.result is Check.USED
    assert later.result is Check.ACCEPTED and later.step == first.step + 1


def test_the_step_before_counts_for_a_phone_a_little_behind_but_not_the_one_before_that():
    key = two_step_codes.new_key()

    assert check_code(key, code_at(key, NOW - STEP), NOW, last_step=None).result is Check.ACCEPTED
    assert check_code(key, code_at(key, NOW - 2 * STEP), NOW, last_step=None).result is Check.WRONG
    assert check_code(key, code_at(key, NOW + STEP), NOW, last_step=None).result is Check.WRONG


def test_a_wrong_or_malformed_code_is_wrong_and_spaces_do_not_matter():
    key = two_step_codes.new_key()
    right = code_at(key, NOW)

    assert check_code(key, f"{right[:3]} {right[3:]}", NOW, last_step=None).result is Check.ACCEPTED
    for typed in ("000000" if right != "000000" else "111111", "", "12345", "abcdef", "1234567"):
        assert check_code(key, typed, NOW, last_step=None).result is Check.WRONG


def test_recovery_codes_are_ten_long_unique_and_kept_only_as_digests():
    codes = two_step_codes.new_recovery_codes()

    assert len(set(codes)) == 10 and all(len(code.replace("-", "")) >= 10 for code in codes)
    assert all(all(len(group) == 4 for group in code.split("-")) for code in codes)
    digest = two_step_codes.recovery_code_digest(codes[0])
    assert codes[0].replace("-", "") not in digest
    assert two_step_codes.recovery_code_digest(codes[0].upper().replace("-", " ")) == digest
    assert two_step_codes.recovery_code_digest(codes[1]) != digest


def test_a_sealed_key_opens_only_for_its_account_and_with_this_secret_key():
    box = KeyBox("a secret key that is long enough to be one")
    key = two_step_codes.new_key()

    sealed = box.seal(key, user_id=7)

    assert key not in sealed and box.seal(key, user_id=7) != sealed  # a fresh nonce each time
    assert box.open(sealed, user_id=7) == key
    assert box.open(sealed, user_id=8) is None
    assert KeyBox("another secret key, just as long as that").open(sealed, user_id=7) is None
    assert box.open("not sealed at all", user_id=7) is None


def test_the_setup_page_has_a_link_for_the_phone_and_a_qr_code_without_script():
    key = two_step_codes.new_key()
    link = two_step_codes.setup_link(key, "person@example.com", "quartauth")

    svg = two_step_codes.qr_code_svg(link)

    assert link.startswith("otpauth://totp/quartauth:person%40example.com?") and f"secret={key}" in link
    assert "issuer=quartauth" in link
    assert svg.startswith("<svg") and "<script" not in svg and "<?xml" not in svg
    assert two_step_codes.key_in_groups("ABCDEFGHIJKL") == "ABCD EFGH IJKL"

"""Onboarding screens: the welcome for an unknown phone, the name questions, the confirmation."""

from __future__ import annotations

from actors.intents import onboarding as onboarding_ids
from actors.replies import Button, ButtonsMessage, TextReply

NAME_RULE = "credex-core keeps only letters (A–Z), spaces and hyphens, and needs 3–50 of them"


def welcome() -> ButtonsMessage:
    return ButtonsMessage(
        body=(
            "👋 *Welcome to VimbisoPay*\n\n"
            "I'm your portal to the credex ecosystem: offer credex, accept offers and "
            "see your balances, right here in WhatsApp.\n\n"
            "Membership is *free*: you get a personal account on the Open tier, "
            "with a daily limit of 10 USD."
        ),
        buttons=(Button(onboarding_ids.BECOME_MEMBER, "Become a member"),),
    )


def welcome_reminder() -> ButtonsMessage:
    return ButtonsMessage(
        body="To use VimbisoPay you first become a member. It's free and takes three answers.",
        buttons=(Button(onboarding_ids.BECOME_MEMBER, "Become a member"),),
    )


def ask_first_name(previous: str = "") -> TextReply:
    hint = f"\n_Last time you typed: {previous}_" if previous else ""
    return TextReply(f"📝 Great! What is your *first name*?{hint}")


def ask_last_name(first_name: str, previous: str = "") -> TextReply:
    hint = f"\n_Last time you typed: {previous}_" if previous else ""
    return TextReply(f"Thanks, {first_name}. And your *last name*?{hint}")


def name_problem(part: str, cleaned: str) -> TextReply:
    kept = f" From what you typed I could keep only “{cleaned}”." if cleaned else ""
    return TextReply(
        f"✋ That {part} can't be registered: {NAME_RULE}.{kept} Please send your {part} again."
    )


def confirm_name(first_name: str, last_name: str, changed: bool) -> ButtonsMessage:
    note = (
        f"\n\n_Note: {NAME_RULE}, so I removed the other characters you typed._" if changed else ""
    )
    return ButtonsMessage(
        body=(
            f"✅ You will be registered as *{first_name} {last_name}*, "
            f"with a personal account called _{first_name} {last_name} Personal_.{note}\n\n"
            "Is that right?"
        ),
        buttons=(
            Button(onboarding_ids.NAME_OK, "Register"),
            Button(onboarding_ids.NAME_EDIT, "Change name"),
        ),
    )


def welcome_aboard(first_name: str) -> TextReply:
    return TextReply(
        f"🎉 Welcome to credex, {first_name}! Your member handle and your account handle "
        "are your phone number: share it so others can send you offers."
    )


def stopped() -> TextReply:
    return TextReply("👌 No problem. Send *hi* whenever you'd like to become a member.")

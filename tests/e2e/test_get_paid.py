"""Getting paid over the whole stack (signed webhooks in, the fake Cloud API out): Chipo's
business gets its pay link and QR code (the uploaded PNG decodes to the link, and asking again
reuses the upload); Tendai sends the link's prefilled text and reaches the confirmation for
the bakery and the amount, nothing signed; a stranger is onboarded first (the trust rules then
say how to get value, since a newcomer holds none) and, once funded, reaches the same
confirmation."""

from __future__ import annotations

import io
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import zxingcpp
from PIL import Image

from gateway.credex import CredexClient
from simulator.demo import Demo
from tests.e2e.conftest import CHIPO, TENDAI, outgoing
from tests.e2e.phone import Payload, Phone, buttons, said

STRANGER = "263779990042"
BOT_NUMBER = "15550001234"  # the WhatsApp simulator's display_phone_number
LINK = f"https://wa.me/{BOT_NUMBER}?text=pay%205.00%20USD%20to%20%40chipo_bakery"


def qr_text(demo: Demo, image: Payload) -> str:
    upload = demo.whatsapp.media.get(image["image"]["id"])
    assert upload is not None and upload.mime_type == "image/png"
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(upload.data)))
    return str(found.text)


async def fund(credex: CredexClient, phone: str, amount: Decimal) -> None:
    """Tendai sends `phone` secured USD, accepted at once: value a newcomer can pay from."""
    payer, payee = await credex.member_view(TENDAI), await credex.member_view(phone)
    created = await credex.create_credex(
        TENDAI,
        member_id=payer.member.member_id,
        issuer_account_id=payer.accounts[0].account_id,
        receiver_account_id=payee.accounts[0].account_id,
        amount=amount,
        denomination="USD",
        secured=True,
        due_date=None,
    )
    await credex.accept(phone, created.credex_id, payee.member.member_id)


def prefilled(link: str) -> str:
    (text,) = parse_qs(urlsplit(link).query)["text"]
    return text


def assert_confirms_five_usd_to_the_bakery(confirm: Payload) -> None:
    text = said([confirm])
    assert "📝 *Please confirm this offer*" in text
    assert "*Amount:* 5.00 USD" in text and "*Type:* Secured" in text
    assert "*To:* Chipo's Bakery (chipo_bakery)" in text
    assert "✍️ Sign & send" in buttons(confirm)


async def chipo_on_her_bakery(demo: Demo) -> Phone:
    chipo = Phone(demo.whatsapp, CHIPO)
    await chipo.say("hi")
    await chipo.pick("Accounts")
    await chipo.pick("Chipo's Bakery")
    return chipo


async def test_a_business_gets_a_pay_link_whose_qr_code_decodes_to_the_link(demo: Demo) -> None:
    chipo = await chipo_on_her_bakery(demo)
    (image,) = await chipo.say("receive 5")
    assert image["type"] == "image"
    assert qr_text(demo, image) == LINK
    caption = said([image])
    assert LINK in caption and "*Get paid: Chipo's Bakery* (chipo_bakery)" in caption
    assert "nothing moves until they sign" in caption

    (again,) = await chipo.say("receive 5 usd")
    assert again["image"]["id"] == image["image"]["id"]  # same code: no second upload
    assert len(demo.whatsapp.media.uploads) == 1

    (open_amount,) = await chipo.pick("Get paid")
    assert "%40chipo_bakery" in qr_text(demo, open_amount) and "pay%20%40" in qr_text(
        demo, open_amount
    )
    assert chipo.rejected == []


async def test_a_member_sending_the_prefilled_text_reaches_the_confirmation_unsigned(
    demo: Demo, credex: CredexClient
) -> None:
    chipo = await chipo_on_her_bakery(demo)
    (image,) = await chipo.say("receive 5")
    before = await outgoing(credex, TENDAI)

    tendai = Phone(demo.whatsapp, TENDAI)
    (confirm,) = await tendai.say(prefilled(qr_text(demo, image)))
    assert_confirms_five_usd_to_the_bakery(confirm)
    assert "*From:* Tendai Moyo Personal (tendai)" in said([confirm])
    assert await outgoing(credex, TENDAI) == before  # a pay link never signs by itself
    assert tendai.rejected == []


async def test_a_link_without_an_amount_asks_for_one(demo: Demo) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    (ask,) = await tendai.say("pay @chipo_bakery")
    assert "How much?" in said([ask]) and "chipo_bakery" in said([ask])
    (confirm,) = await tendai.say("5")
    assert_confirms_five_usd_to_the_bakery(confirm)


async def test_a_stranger_is_onboarded_then_sees_the_same_confirmation(
    demo: Demo, credex: CredexClient
) -> None:
    chipo = await chipo_on_her_bakery(demo)
    (image,) = await chipo.say("receive 5")

    stranger = Phone(demo.whatsapp, STRANGER, name="Nyasha Banda")
    (welcome,) = await stranger.say(prefilled(qr_text(demo, image)))
    assert "You're paying *chipo_bakery*" in said([welcome])
    assert "Become a member" in buttons(welcome)
    await stranger.tap("Become a member")
    await stranger.say("Nyasha")
    await stranger.say("Banda")
    # A newcomer holds nothing yet, so the trust rules refuse a secured 5.00 USD before any
    # Sign & send, and say how to get value; the pay request itself survived onboarding.
    (refused,) = await stranger.tap("Register")  # the welcome rides in the same message
    assert "Welcome to credex, Nyasha" in said([refused])
    assert "ask a member who holds some to send you a secured offer" in said([refused])
    assert "✍️ Sign & send" not in buttons(refused)
    # Once a member has sent them value, the same link text reaches the same confirmation.
    await fund(credex, STRANGER, Decimal(10))
    (confirm,) = await stranger.say(prefilled(qr_text(demo, image)))
    assert_confirms_five_usd_to_the_bakery(confirm)
    assert "*From:* Nyasha Banda Personal" in said([confirm])
    assert await outgoing(credex, STRANGER) == []
    assert stranger.rejected == []

"""Runs one effect through the CredexCore port and turns the answer into a result event.

A `CredexError` is credex-core speaking (a refusal, or unreachable): it becomes an
`EffectFailed` the flows word plainly. Anything else is a bug or an outage of ours and
propagates, so the runtime retries the message and apologises (`on_error`). An effect the
shell cut short at the member's answer bound is `timed_out`: unavailable, and for the one call
that moves money, of unknown outcome (G5).
"""

from __future__ import annotations

from actors import effects as fx
from actors import ledger_scan
from actors import results as rs
from actors.failure import from_error
from actors.ledger_order import newest_page
from actors.ports.credex import CredexCore, CredexError, NotFound, Unavailable

# One statement shows at most this many entries, and says so when the period holds more: each
# entry costs a getCredex call (getLedger has no dates, docs/credex-core-api.md §8.2), and
# credex-core allows about 50-100 calls a minute per client IP, shared by every user of the
# bot (§4), within the runtime's 30-second turn.
STATEMENT_MAX_ENTRIES = 50


async def perform(effect: fx.Effect, credex: CredexCore, phone: str) -> rs.Result:
    try:
        return await _call(effect, credex, phone)
    except CredexError as error:
        money_call = isinstance(effect, fx.CreateCredex)
        return rs.EffectFailed(effect, from_error(error, money_call=money_call))


def timed_out(effect: fx.Effect, seconds: float, *, started: bool = True) -> rs.EffectFailed:
    """The result of an effect abandoned after `seconds`: if `started`, it may still be running
    out there; if not, it was never sent."""
    error = Unavailable(f"credex-core did not answer within {seconds:g}s", outcome_unknown=started)
    return rs.EffectFailed(
        effect, from_error(error, money_call=isinstance(effect, fx.CreateCredex))
    )


async def _call(effect: fx.Effect, credex: CredexCore, phone: str) -> rs.Result:
    match effect:
        case fx.LoadView(purpose=purpose):
            return rs.ViewLoaded(await credex.member_view(phone), purpose)
        case fx.Onboard(first_name=first, last_name=last, default_denom=denom):
            onboarded = await credex.onboard(phone, first, last, denom)
            return rs.MemberOnboarded(onboarded.view)
        case fx.ResolveHandle(handle=handle, line=line):
            account = await credex.account_by_handle(phone, handle)
            return rs.HandleResolved(handle, account, line)
        case fx.CreateCredex(offer=offer):
            created = await credex.create_credex(
                phone,
                member_id=effect.member_id,
                issuer_account_id=effect.issuer_account_id,
                receiver_account_id=offer.receiver_id,
                amount=offer.amount,
                denomination=offer.denomination,
                secured=offer.secured,
                due_date=None if offer.secured else offer.due_date,
            )
            return rs.CredexCreated(effect.draft_id, effect.index, created)
        case fx.ActOnOffer(action=action, offer=offer, signer_id=signer):
            act = {"accept": credex.accept, "decline": credex.decline, "cancel": credex.cancel}
            await act[action](phone, offer.credex_id, signer)
            return rs.OfferActed(effect)
        case fx.AcceptAll(offers=offers, signer_id=signer, arrived_since=since):
            ids = [o.credex_id for o in offers]
            return rs.BulkAccepted(await credex.accept_bulk(phone, ids, signer), offers, since)
        case fx.LoadLedger(account_id=account_id, page=page, page_size=size, end=end):
            entries, end = await newest_page(credex, phone, account_id, page, size, end)
            return rs.LedgerLoaded(page, entries, end)
        case fx.LoadCredex(account_id=account_id, credex_id=credex_id):
            return rs.CredexLoaded(effect, await credex.get_credex(phone, credex_id, account_id))
        case fx.LoadStatement(account_id=account_id, start=start, end=end):
            rows = await ledger_scan.collect(
                credex, phone, account_id, start, end, STATEMENT_MAX_ENTRIES
            )
            return rs.StatementLoaded(effect, rows)
    return await _account_call(effect, credex, phone)


async def _account_call(effect: fx.Effect, credex: CredexCore, phone: str) -> rs.Result:
    match effect:
        case fx.CheckAccountHandle(handle=handle):
            try:
                return rs.AccountHandleChecked(
                    handle, await credex.account_by_handle(phone, handle)
                )
            except NotFound:
                return rs.AccountHandleChecked(handle, None)
        case fx.OpenAccount():
            account_id = await credex.create_account(
                phone,
                owner_id=effect.owner_id,
                name=effect.name,
                handle=effect.handle,
                default_denom=effect.default_denom,
                account_type=effect.account_type,
            )
            return rs.AccountOpened(effect, account_id)
        case fx.LookupMember(handle=handle):
            return rs.MemberFound(handle, await credex.member_by_handle(phone, handle))
        case fx.Authorize(account_id=account_id, handle=handle, owner_id=owner):
            member = await credex.authorize(
                phone, account_id=account_id, handle=handle, owner_id=owner
            )
            return rs.MemberAuthorized(effect, member)
        case fx.Unauthorize(account_id=account_id, member=member, owner_id=owner):
            await credex.unauthorize(
                phone, account_id=account_id, member_id=member.member_id, owner_id=owner
            )
            return rs.MemberUnauthorized(effect)
        case fx.SetSendOffersTo(account_id=account_id, member=member, owner_id=owner):
            await credex.update_send_offers_to(
                phone, account_id=account_id, member_id=member.member_id, owner_id=owner
            )
            return rs.SendOffersToSet(effect)
    raise AssertionError(f"unknown effect {effect!r}")

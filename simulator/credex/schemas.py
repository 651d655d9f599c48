"""The validateRequest schema of every route the simulator serves (docs/credex-core-api.md §8). ✱
fields are required."""

from __future__ import annotations

from simulator.credex.validation import (
    Field,
    Schema,
    identity,
    sanitize_account_handle,
    sanitize_account_name,
    sanitize_account_type,
    sanitize_denomination,
    sanitize_name,
    sanitize_phone,
    sanitize_string,
    sanitize_uuid,
    to_boolean,
    to_number,
    valid_account_handle,
    valid_account_name,
    valid_account_type,
    valid_amount,
    valid_boolean,
    valid_credex_type,
    valid_date_text,
    valid_denomination,
    valid_direction,
    valid_member_handle,
    valid_name,
    valid_phone,
    valid_positive_integer,
    valid_positive_number,
    valid_start_row,
    valid_tier,
    valid_uuid,
)

UUID = Field(sanitize_uuid, valid_uuid)
UUID_REQUIRED = Field(sanitize_uuid, valid_uuid, required=True)
PHONE = Field(sanitize_phone, valid_phone, required=True)
DENOM = Field(sanitize_denomination, valid_denomination)
DENOM_REQUIRED = Field(sanitize_denomination, valid_denomination, required=True)

LOGIN: Schema = {"phone": PHONE}
ONBOARD: Schema = {
    "firstname": Field(sanitize_name, valid_name, required=True),
    "lastname": Field(sanitize_name, valid_name, required=True),
    "phone": PHONE,
    "defaultDenom": DENOM_REQUIRED,
}
MEMBER_BY_HANDLE: Schema = {
    "memberHandle": Field(sanitize_string, valid_member_handle, required=True)
}
DASHBOARD_BY_PHONE: Schema = {"phone": PHONE}
TIER_SPEND_LIMIT: Schema = {
    "issuerAccountID": UUID_REQUIRED,
    "Amount": Field(identity, valid_amount, required=True),
    "Denomination": DENOM_REQUIRED,
    "securedCredex": Field(identity, valid_boolean, required=True),
}

CREATE_ACCOUNT: Schema = {
    "ownerID": UUID_REQUIRED,
    "accountType": Field(sanitize_account_type, valid_account_type, required=True),
    "accountName": Field(sanitize_account_name, valid_account_name, required=True),
    "accountHandle": Field(sanitize_account_handle, valid_account_handle, required=True),
    "defaultDenom": DENOM_REQUIRED,
    "DCOgiveInCXX": Field(to_number, valid_positive_number),
    "DCOdenom": DENOM,
}
ACCOUNT_BY_HANDLE: Schema = {"accountHandle": Field(sanitize_account_handle, valid_account_handle)}
UPDATE_ACCOUNT: Schema = {
    "ownerID": UUID,
    "accountID": UUID,
    "accountName": Field(sanitize_account_name, valid_account_name),
    "accountHandle": Field(sanitize_account_handle, valid_account_handle),
    "defaultDenom": DENOM,
}
AUTHORIZE: Schema = {
    "accountID": UUID_REQUIRED,
    "memberHandleToBeAuthorized": Field(sanitize_string, valid_member_handle, required=True),
    "ownerID": UUID_REQUIRED,
}
# The [INTENDED] field sets (§8.2); HEAD's schemas strip them (§11 quirk 4).
UNAUTHORIZE_FIELDS = ("memberIDtoBeUnauthorized", "accountID", "ownerID")
SEND_OFFERS_TO: Schema = {
    "memberIDtoSendOffers": UUID_REQUIRED,
    "accountID": UUID_REQUIRED,
    "ownerID": UUID_REQUIRED,
}
LEDGER: Schema = {
    "accountID": UUID_REQUIRED,
    "numRows": Field(to_number, valid_positive_integer),
    "startRow": Field(to_number, valid_start_row),
}

CREATE_CREDEX: Schema = {
    "memberID": UUID,
    "issuerAccountID": Field(sanitize_uuid, valid_uuid, required=True),
    "receiverAccountID": Field(sanitize_uuid, valid_uuid, required=True),
    "Denomination": DENOM_REQUIRED,
    "InitialAmount": Field(to_number, valid_amount, required=True),
    "credexType": Field(sanitize_string, valid_credex_type),
    "OFFERSorREQUESTS": Field(sanitize_string, valid_direction),
    "securedCredex": Field(to_boolean, valid_boolean),
    "dueDate": Field(sanitize_string, valid_date_text),
}
SIGNED_CREDEX: Schema = {"credexID": UUID, "signerID": UUID}
GET_CREDEX: Schema = {"credexID": UUID, "accountID": UUID}

UPDATE_MEMBER_TIER: Schema = {
    "memberID": UUID_REQUIRED,
    "tier": Field(to_number, valid_tier, required=True),
}
DCO_PARTICIPANT: Schema = {
    "memberID": UUID_REQUIRED,
    "personalAccountID": UUID_REQUIRED,
    "DCOgiveInCXX": Field(to_number, valid_positive_number, required=True),
    "DCOdenom": DENOM_REQUIRED,
}

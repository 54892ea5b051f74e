"""extract() over messy text: Chinese and full-width punctuation, labels, brackets, wrapped
and hyphenated lines, duplicates."""

from __future__ import annotations

import pytest

from lers.identifiers import extract

pytestmark = pytest.mark.req("X-10", "JU-08")

TRON = "TYPG8VeuoVAh2hP7Vfw6ww7vK98nvXXXUG"
BTC = "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"
SEGWIT = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
EVM = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


def _valid(text: str, **kwargs: str) -> list[str]:
    return [f.normalised for f in extract(text, **kwargs) if f.valid]


def test_spans_point_into_the_original_text():
    text = f"请冻结钱包地址：{TRON}，谢谢。"
    [found] = extract(text)
    assert text[found.span[0] : found.span[1]] == found.text == TRON
    assert found.chains == ("TRX",)


def test_chinese_label_and_fullwidth_colon():
    [found] = extract(f"钱包地址：{TRON}")
    assert found.label == "钱包地址"


TXID = "6fae" + "0123456789abcdef" * 3 + "0123456789ab"


@pytest.mark.parametrize(
    "text",
    [
        f"交易哈希：{TXID}",
        f"交易ID:{TXID}",
        f"TXID:{TXID}",
        f"Transaction hash: {TXID}",
        f"交易哈希：\n{TXID}",
    ],
)
def test_a_txid_after_its_label_and_colon_is_found(text):
    [found] = extract(text)
    assert (found.kind, found.normalised) == ("tx_hash", TXID)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (f"充值地址：{EVM}", "充值地址"),
        (f"提币地址:{TRON}", "提币地址"),
        (f"地址：{BTC}", "地址"),
        (f"交易哈希：{TXID}", "交易哈希"),
    ],
)
def test_chinese_labels_of_addresses_and_txids(text, label):
    [found] = extract(text)
    assert found.valid and found.label == label


def test_a_ton_raw_address_is_not_read_as_a_bare_hash():
    [found] = extract("0:" + "ab" * 32)
    assert found.kind == "address" and found.normalised.startswith("0:")


def test_network_label_in_parentheses():
    [found] = extract(f"USDT (TRC20): {TRON}\n")
    assert found.label == "USDT (TRC20)"


def test_fullwidth_characters_inside_an_identifier_are_normalised():
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in TRON)
    [found] = extract(f"地址：{fullwidth}。")
    assert found.valid and found.normalised == TRON
    assert found.text == fullwidth


@pytest.mark.parametrize(
    "wrapped",
    [
        f"「{EVM}」",
        f"【{EVM}】",
        f'"{EVM}"',
        f"({EVM})",
        f"<{EVM}>",
        f"“{EVM}”",
        f"'{EVM}'",
    ],
)
def test_brackets_and_quotes(wrapped):
    assert _valid(f"地址{wrapped}已确认") == [EVM]


def test_address_wrapped_across_lines():
    text = f"Funds were sent to {BTC[:15]}\n{BTC[15:]} on 3 May."
    [found] = extract(text)
    assert found.valid and found.normalised == BTC
    assert found.text == f"{BTC[:15]}\n{BTC[15:]}"


def test_address_split_by_hyphen_at_line_break():
    text = f"destination {SEGWIT[:20]}-\n   {SEGWIT[20:]} (see annex)"
    [found] = extract(text)
    assert found.valid and found.normalised == SEGWIT


def test_an_address_wrapped_over_three_lines_is_joined():
    monero = (
        "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7S"
        "qSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"
    )
    text = f"Wallet {monero[:40]}\n{monero[40:80]}\n{monero[80:]} (XMR)"
    [found] = extract(text)
    assert found.valid and found.normalised == monero
    assert found.text.count("\n") == 2


def test_identifiers_glued_to_labels_and_punctuation_are_found():
    text = f"wallet:{BTC},IP:2001:db8::1;mail=suspect@example.com.\n(ERC20){EVM}/TRC20:{TRON}."
    kinds = [(f.kind, f.normalised) for f in extract(text) if f.valid]
    assert kinds == [
        ("address", BTC),
        ("ip", "2001:db8::1"),
        ("email", "suspect@example.com"),
        ("address", EVM),
        ("address", TRON),
    ]


@pytest.mark.parametrize(
    "label",
    [
        "destination tag: ",
        "Destination Tag ",
        "dest. tag #",
        "DEST TAG=",
        "memo: ",
        "MEMO ",
        "tag ",
        "标签：",
        "备注:",
        "目标标签 ",
    ],
)
def test_every_way_of_writing_a_memo_or_tag(label):
    found = extract(f"XRP rGWrZyQqhTp9Xu7G5Pkayo7bXjH4k4QYpf {label}12345")
    assert ("memo", "12345") in [(f.kind, f.normalised) for f in found]


def test_a_tag_inside_a_word_is_not_a_memo():
    assert not [f for f in extract("the vintage 12345 and hashtag 678") if f.kind == "memo"]


def test_two_addresses_on_consecutive_lines_stay_two():
    assert _valid(f"{BTC}\n{TRON}\n") == [BTC, TRON]


def test_duplicates_are_one_result_per_span():
    found = extract(f"{EVM} and again {EVM}")
    assert [f.span for f in found] == [(0, 42), (53, 95)]
    assert len({f.span for f in found}) == len(found)


def test_mistyped_address_is_found_but_invalid():
    typo = BTC[:-1] + "U"
    [found] = extract(f"Wallet: {typo}")
    assert not found.valid
    assert found.reason == "Base58Check checksum mismatch"


def test_eip55_typo_is_found_but_invalid():
    [found] = extract("to 0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed today")
    assert not found.valid and found.reason == "EIP-55 mixed-case checksum mismatch"


def test_prose_yields_nothing():
    text = (
        "The internationalization committee reviewed Pneumonoultramicroscopic findings on "
        "2024-09-27 at 10:30:15, case ref ABCD-2024-000123, amount 12,000,000 USDT."
    )
    assert [f for f in extract(text) if f.valid] == []


def test_contacts_ips_and_tags():
    text = (
        "联系人邮箱：suspect@example.com，电话：138 0013 8000。\n"
        "Login IP 203.0.113.5 and 2001:db8::1.\n"
        "XRP rGWrZyQqhTp9Xu7G5Pkayo7bXjH4k4QYpf destination tag: 12345\n"
    )
    found = extract(text, default_region="CN")
    kinds = [(f.kind, f.normalised) for f in found]
    assert kinds == [
        ("email", "suspect@example.com"),
        ("phone", "+8613800138000"),
        ("ip", "203.0.113.5"),
        ("ip", "2001:db8::1"),
        ("address", "rGWrZyQqhTp9Xu7G5Pkayo7bXjH4k4QYpf"),
        ("memo", "12345"),
    ]


def test_phone_without_country_code_needs_a_region():
    assert [f.kind for f in extract("电话 138 0013 8000")] == []
    assert [f.kind for f in extract("tel +86 138 0013 8000")] == ["phone"]


def test_user_ids_by_pattern():
    found = extract("用户UID：88123456，另一个 UID 77001234", uid_pattern=r"\d{8}")
    assert [(f.kind, f.text) for f in found] == [
        ("user_id", "88123456"),
        ("user_id", "77001234"),
    ]


def test_tx_hash_and_tron_hex_form():
    tx = "a" * 64
    found = extract(f"txid {tx}; tron 4165cfbd57fa4f20687b2c33f84c4f9017e5895d49")
    assert [(f.kind, f.normalised) for f in found] == [
        ("tx_hash", tx),
        ("address", "TKFY7SErikT5cfs762ivMwwYBM1eGxFV6B"),
    ]


def test_a_solana_transaction_id_in_text_is_found():
    tx = "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW"
    found = extract(f"The theft was Solana transaction {tx}.")
    assert [(f.kind, f.normalised) for f in found] == [("tx_hash", tx)]


def test_ton_and_cashaddr_without_prefix():
    text = (
        "TON: EQCKhieGGl3ZbJ2zzggHsSLaXtRzk0znVopbSxw2HLsorkdl\n"
        "BCH: qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a\n"
    )
    assert _valid(text) == [
        "0:8a8627861a5dd96c9db3ce0807b122da5ed473934ce7568a5b4b1c361cbb28ae",
        "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
    ]


def test_zero_width_characters_are_ignored_and_spans_still_map():
    text = f"addr: {TRON[:10]}\u200b{TRON[10:]} end"
    [found] = extract(text)
    assert found.valid and found.normalised == TRON
    assert found.text == f"{TRON[:10]}\u200b{TRON[10:]}"


@pytest.mark.req("X-10", "JU-08")
def test_hints_carry_the_agency_country_and_the_exchange_uid_pattern():
    from lers.identifiers import Hints

    text = "UID 12345678, tel 2860 0000"
    found = extract(text, hints=Hints(default_region="HK", uid_pattern=r"\d{8}"))
    kinds = {(f.kind, f.normalised) for f in found}
    assert ("phone", "+85228600000") in kinds
    assert any(kind == "user_id" for kind, _ in kinds)

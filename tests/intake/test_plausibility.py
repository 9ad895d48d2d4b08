"""A legacy encoding that decodes without error but gives text implausible for its language is refused."""

from __future__ import annotations

import pytest

from letters.errors import InputError
from letters.intake.plausibility import implausible_rows
from letters.intake.sources import read_table
from letters.intake.validate import load_accounts, validate_file
from tests.conftest import EN_ROW, JA_ROW, SAMPLES, ZH_ROW, CsvWriter


def test_japanese_sample_read_as_gb18030_is_refused_naming_rows() -> None:
    path = SAMPLES / "accounts_ja_cp932.csv"
    with pytest.raises(InputError) as info:
        load_accounts(str(path), encoding="gb18030")
    assert str(info.value) == (
        f"{path}: read as gb18030, the text does not look like its language in 10 of 10 rows "
        "(rows 2, 3, 4, …; e.g. '噴僒儞儔僀僘暔嶻' in row 2); check --encoding: Japanese Excel "
        "writes cp932, Chinese Excel gb18030"
    )
    # validate shows the same refusal rather than a list of "valid" garbled accounts.
    with pytest.raises(InputError, match="read as gb18030, the text does not look like its language"):
        validate_file(str(path), encoding="gbk")


def test_chinese_sample_read_as_cp932_is_refused() -> None:
    path = SAMPLES / "accounts_zh_gb18030.csv"
    with pytest.raises(InputError) as info:
        load_accounts(str(path), encoding="cp932")
    assert str(info.value).startswith(f"{path}: cannot be read as cp932 (byte ")


def _decodes_as_cp932(char: str) -> bool:
    try:
        char.encode("gb18030").decode("cp932")
    except UnicodeDecodeError:
        return False
    return True


def test_chinese_text_that_happens_to_decode_as_cp932_is_refused(write_csv: CsvWriter) -> None:
    # Many GB2312 characters have both bytes in 0xA1-0xDF, which cp932 reads as two half-width
    # katakana: no decoding error, just nonsense.  Build rows only from such characters.
    pool = [
        c
        for c in "张伟王芳李娜刘洋陈静杨磊赵敏黄强周杰吴霞徐明孙丽马超朱琳胡斌郭婷上海市北京广东省深圳"
        if _decodes_as_cp932(c)
    ]
    assert len(pool) >= 8
    name, city = "".join(pool[:3]), "".join(pool[3:8])
    row = ZH_ROW | {
        "debtor_name": name,
        "region": city,
        "city": city,
        "district": "",
        "address_line1": city + "1",
    }
    path = write_csv([row, row | {"account_id": "ZH-0002"}], encoding="gb18030")
    as_cp932 = path.read_bytes().decode("cp932")  # the premise: cp932 reads it without complaint
    assert name not in as_cp932
    with pytest.raises(InputError) as info:
        load_accounts(str(path), encoding="cp932")
    assert str(info.value).startswith(
        f"{path}: read as cp932, the text does not look like its language in 2 of 2 rows (rows 2, 3; e.g. "
    )
    assert load_accounts(str(path), encoding="gb18030").accounts[0].debtor_name == name


def test_the_right_encodings_pass() -> None:
    assert len(load_accounts(str(SAMPLES / "accounts_ja_cp932.csv"), encoding="cp932").accounts) == 10
    assert len(load_accounts(str(SAMPLES / "accounts_zh_gb18030.csv"), encoding="gb18030").accounts) == 10


def test_one_unusual_row_does_not_refuse_the_file(write_csv: CsvWriter) -> None:
    # 髙﨑 and ㈱ are cp932 but not JIS X 0208; one such row among ordinary ones is normal data.
    odd = JA_ROW | {
        "account_id": "JA-0002",
        "debtor_name": "㈱髙﨑",
        "city": "髙﨑市",
        "address_line1": "﨑町1",
    }
    odd = odd | {"address_line2": ""}
    path = write_csv([JA_ROW, odd, JA_ROW | {"account_id": "JA-0003"}], encoding="cp932")
    bad, judged, _ = implausible_rows(read_table(str(path), encoding="cp932"))
    assert (bad, judged) == ([3], 3)
    assert len(validate_file(str(path), encoding="cp932").table.rows) == 3


def test_utf8_and_english_rows_are_not_judged(write_csv: CsvWriter) -> None:
    # UTF-8 cannot be mis-decoded into other valid text; English rows have no repertoire to check.
    garbled = JA_ROW | {"debtor_name": "噴僒儞儔僀僘暔嶻", "city": "搶嫗搒怴廻"}
    assert load_accounts(str(write_csv([garbled]))).accounts[0].debtor_name == "噴僒儞儔僀僘暔嶻"
    table = read_table(str(write_csv([EN_ROW], encoding="cp932")), encoding="cp932")
    assert implausible_rows(table) == ([], 0, {})

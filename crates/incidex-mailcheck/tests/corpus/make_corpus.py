#!/usr/bin/env python3
"""Writes the mail-check fixture corpus (tests/corpus/*.eml) and the README's
example messages (examples/mail/*.eml). Every organisation, person and domain
is invented; domains are under example.co.jp / example.jp / example.com.

The .eml files are committed; run this only to change them:
    python3 crates/incidex-mailcheck/tests/corpus/make_corpus.py
Encrypted zips: Python's zipfile cannot encrypt, so the encryption flag
(general purpose bit 0) is set in the local and central headers of a stored
archive — the flag is all the check reads.
"""
import base64, io, os, struct, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "..", "..", "..", "examples", "mail")

AOBA = "aoba-denki.example.co.jp"       # the recipient's company
TSUBAME = "tsubame-bussan.example.co.jp"  # a partner (on the watchlist)
HIBARI = "hibari-unyu.example.jp"         # another partner
KAMOME = "kamome-shop.example.com"        # a shop sending a newsletter
DATE = "Tue, 14 May 2024 10:12:00 +0900"


def enc_word(s, charset="utf-8"):
    if all(ord(c) < 128 for c in s):
        return s
    py = {"iso-2022-jp": "iso2022_jp", "shift_jis": "cp932"}.get(charset.lower(), charset)
    return "=?%s?B?%s?=" % (charset.upper(), base64.b64encode(s.encode(py)).decode())


def addr(name, address, charset="utf-8"):
    if name is None:
        return address
    if all(ord(c) < 128 for c in name):
        return '"%s" <%s>' % (name, address)
    return "%s <%s>" % (enc_word(name, charset), address)


def text_part(text, charset="utf-8", subtype="plain"):
    py = {"iso-2022-jp": "iso2022_jp", "shift_jis": "cp932"}.get(charset.lower(), charset)
    raw = text.replace("\n", "\r\n").encode(py)
    if charset.lower() == "iso-2022-jp":
        cte, body = "7bit", raw
    elif charset.lower() == "shift_jis":
        cte, body = "8bit", raw
    else:
        cte = "base64"
        b = base64.b64encode(raw).decode()
        body = ("\r\n".join(b[i:i + 76] for i in range(0, len(b), 76))).encode()
    head = "Content-Type: text/%s; charset=%s\r\nContent-Transfer-Encoding: %s\r\n" % (
        subtype, charset.upper() if charset != "utf-8" else "UTF-8", cte)
    return head.encode(), body


def attachment(name, data, ctype="application/octet-stream", charset="iso-2022-jp"):
    b = base64.b64encode(data).decode()
    body = ("\r\n".join(b[i:i + 76] for i in range(0, len(b), 76))).encode()
    fname = enc_word(name, charset)
    head = ('Content-Type: %s; name="%s"\r\nContent-Disposition: attachment; filename="%s"\r\n'
            "Content-Transfer-Encoding: base64\r\n") % (ctype, fname, fname)
    return head.encode(), body


def message(headers, parts, boundary="==incidex-mail-boundary=="):
    out = io.BytesIO()
    for k, v in headers:
        out.write(("%s: %s\r\n" % (k, v)).encode())
    out.write(b"MIME-Version: 1.0\r\n")
    if len(parts) == 1:
        h, b = parts[0]
        out.write(h + b"\r\n" + b + b"\r\n")
    else:
        out.write(('Content-Type: multipart/mixed; boundary="%s"\r\n\r\n' % boundary).encode())
        for h, b in parts:
            out.write(("--%s\r\n" % boundary).encode() + h + b"\r\n" + b + b"\r\n")
        out.write(("--%s--\r\n" % boundary).encode())
    return out.getvalue()


def make_zip(entries, encrypted=False, stored=False):
    buf = io.BytesIO()
    method = zipfile.ZIP_STORED if stored or encrypted else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 5, 13, 9, 0, 0))
            info.compress_type = method
            if any(ord(c) > 127 for c in name):
                info.flag_bits |= 0x800
            z.writestr(info, data)
    data = bytearray(buf.getvalue())
    if encrypted:
        for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            i = data.find(sig)
            while i >= 0:
                flags = struct.unpack_from("<H", data, i + off)[0]
                struct.pack_into("<H", data, i + off, flags | 1)
                i = data.find(sig, i + 4)
    return bytes(data)


def zip_bomb_directory():
    """A small archive whose central directory declares 4 GB unpacked."""
    data = bytearray(make_zip([("data.bin", b"0" * 1000)]))
    i = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, i + 24, 0xFFFFFF00)
    j = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, j + 22, 0xFFFFFF00)
    return bytes(data)


def docx(with_macros):
    entries = [("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")]
    if with_macros:
        entries.append(("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 vba"))
    return make_zip(entries)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
AUTH_PASS = "mx.aoba-denki.example.co.jp; spf=pass smtp.mailfrom=%s; dkim=pass header.d=%s; dmarc=pass"


def base_headers(frm, to, subject, msgid, extra=(), charset="utf-8", auth_domain=None):
    h = [("From", frm), ("To", to), ("Subject", enc_word(subject, charset)), ("Date", DATE),
         ("Message-ID", "<%s>" % msgid)]
    if auth_domain:
        h.insert(0, ("Authentication-Results", AUTH_PASS % (auth_domain, auth_domain)))
    return h + list(extra)


SATO = addr("佐藤 美咲", "m.sato@" + AOBA)
TO_SATO = SATO

CORPUS = {}

# ---------- legitimate ----------
CORPUS["l01_meeting_utf8.eml"] = message(
    base_headers(addr("ツバメ物産 山口 健太", "k.yamaguchi@" + TSUBAME), TO_SATO,
                 "定例打合せの日程について", "20240514.1@" + TSUBAME, auth_domain=TSUBAME),
    [text_part("アオバ電機株式会社\n佐藤様\n\nいつもお世話になっております。ツバメ物産の山口です。\n"
               "来週の定例打合せですが、5月21日(火)14時からでいかがでしょうか。\n"
               "ご都合をお知らせいただけますと幸いです。\n\n株式会社ツバメ物産 営業部 山口 健太\n"
               "k.yamaguchi@" + TSUBAME + "\n")])

CORPUS["l02_delivery_iso2022jp.eml"] = message(
    base_headers(addr("ヒバリ運輸 配送センター", "center@" + HIBARI, "iso-2022-jp"), TO_SATO,
                 "【ヒバリ運輸】配送予定のご案内", "20240514.2@" + HIBARI, charset="iso-2022-jp",
                 auth_domain=HIBARI),
    [text_part("アオバ電機株式会社 御中\n\n平素よりヒバリ運輸をご利用いただきありがとうございます。\n"
               "ご依頼の荷物は5月16日(木)午前中にお届けの予定です。\n"
               "ご不在の場合は配送センターまでご連絡ください。\n\nヒバリ運輸株式会社 配送センター\n",
               "iso-2022-jp")])

CORPUS["l03_order_shiftjis.eml"] = message(
    base_headers(addr("ツバメ物産 山口", "k.yamaguchi@" + TSUBAME, "shift_jis"), TO_SATO,
                 "発注内容のご確認", "20240514.3@" + TSUBAME, charset="shift_jis", auth_domain=TSUBAME),
    [text_part("佐藤様\n\nお世話になっております。山口です。\n"
               "本日いただいたご注文(制御盤部品 40点)の内容を確認いたしました。\n"
               "納期は6月3日を予定しております。引き続きよろしくお願いいたします。\n\n株式会社ツバメ物産 山口\n",
               "shift_jis")])

CORPUS["l04_genuine_reply.eml"] = message(
    base_headers(addr("ツバメ物産 山口 健太", "k.yamaguchi@" + TSUBAME), TO_SATO,
                 "RE: 見積書送付のお願い", "20240514.4@" + TSUBAME,
                 extra=[("In-Reply-To", "<a1b2c3.sato@%s>" % AOBA),
                        ("References", "<a1b2c3.sato@%s>" % AOBA)], auth_domain=TSUBAME),
    [text_part("佐藤様\n\nご連絡ありがとうございます。見積書は明日中にお送りいたします。\n\n"
               "2024年5月13日(月) 17:40 佐藤 美咲 <m.sato@" + AOBA + ">:\n"
               "> 山口様\n> 先日ご相談した部品の見積書をお送りいただけますでしょうか。\n> アオバ電機 佐藤\n")])

CORPUS["l05_newsletter_links.eml"] = message(
    base_headers(addr("ショップかもめ", "news@" + KAMOME), TO_SATO, "かもめ通信 5月号",
                 "news.202405@" + KAMOME, auth_domain=KAMOME),
    [text_part('<html><body><p>いつもショップかもめをご利用いただきありがとうございます。</p>'
               '<p>今月の新商品は <a href="https://www.%s/items/2405">www.%s/items/2405</a> でご覧いただけます。</p>'
               '<p><a href="https://www.%s/mypage">マイページ</a>から配信停止ができます。</p>'
               '</body></html>' % (KAMOME, KAMOME, KAMOME), subtype="html")])

CORPUS["l06_invoice_partner.eml"] = message(
    base_headers(addr("ツバメ物産 経理部", "keiri@" + TSUBAME), TO_SATO, "4月分請求書の送付",
                 "20240514.6@" + TSUBAME, auth_domain=TSUBAME),
    [text_part("アオバ電機株式会社 経理ご担当者様\n\nいつもお世話になっております。\n"
               "4月分の請求書をPDFにてお送りいたします。お支払期日は5月31日です。\n"
               "お振込先はこれまでと同じ口座です。\n\n株式会社ツバメ物産 経理部\n"),
     attachment("請求書_202404.pdf", PDF, "application/pdf")])

CORPUS["l07_forward_with_thread.eml"] = message(
    base_headers(addr("佐藤 美咲", "m.sato@" + AOBA), addr("高橋 翔", "s.takahashi@" + AOBA),
                 "FW: 配送予定のご案内", "20240514.7@" + AOBA,
                 extra=[("References", "<20240514.2@%s>" % HIBARI)], auth_domain=AOBA),
    [text_part("高橋さん\n\n共有します。16日午前に届くそうです。\n\n"
               "-----Original Message-----\nFrom: ヒバリ運輸 配送センター <center@" + HIBARI + ">\n"
               "Subject: 配送予定のご案内\n\nご依頼の荷物は5月16日(木)午前中にお届けの予定です。\n")])

CORPUS["l08_docx_english.eml"] = message(
    base_headers(addr("Kenta Yamaguchi", "k.yamaguchi@" + TSUBAME), TO_SATO, "Minutes of the May meeting",
                 "20240514.8@" + TSUBAME, auth_domain=TSUBAME),
    [text_part("Dear Ms Sato,\n\nPlease find attached the minutes of our meeting on 10 May.\n\nBest regards,\nKenta Yamaguchi\n"),
     attachment("minutes_0510.docx", docx(False),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")])

CORPUS["l09_colleague_urgent.eml"] = message(
    base_headers(addr("高橋 翔", "s.takahashi@" + AOBA), TO_SATO, "至急: 会議室の変更",
                 "20240514.9@" + AOBA, auth_domain=AOBA),
    [text_part("佐藤さん\n\n15時の打合せは第2会議室に変更になりました。至急ご確認ください。\n高橋\n")])

CORPUS["l10_plain_zip_reply.eml"] = message(
    base_headers(addr("ヒバリ運輸 配送センター", "center@" + HIBARI), TO_SATO,
                 "Re: 配送伝票の控え", "20240514.10@" + HIBARI,
                 extra=[("In-Reply-To", "<x9.sato@%s>" % AOBA), ("References", "<x9.sato@%s>" % AOBA)],
                 auth_domain=HIBARI),
    [text_part("佐藤様\n\nご依頼の配送伝票の控えをまとめてお送りします。\n\nヒバリ運輸 配送センター\n"),
     attachment("伝票控え.zip", make_zip([("伝票_0513.pdf", PDF), ("伝票_0514.pdf", PDF)]), "application/zip")])

# ---------- spoofing patterns, alone ----------
CORPUS["s01_display_name_address.eml"] = message(
    base_headers(addr("k.yamaguchi@" + TSUBAME, "info@mailer-qz.example.com"), TO_SATO,
                 "ご確認のお願い", "qz1@mailer-qz.example.com"),
    [text_part("佐藤様\n\n先日の件、ご確認をお願いいたします。\n山口\n")])

CORPUS["s02_display_name_org.eml"] = message(
    base_headers(addr("株式会社ツバメ物産 山口 健太", "yamaguchi.k77@freemail.example.net"), TO_SATO,
                 "資料送付", "fm1@freemail.example.net"),
    [text_part("佐藤様\n\n資料をお送りしますのでご確認ください。\n山口\n")])

CORPUS["s03_lookalike_dropped_letter.eml"] = message(
    base_headers(addr("山口 健太", "k.yamaguchi@tsubame-bussn.example.co.jp"), TO_SATO,
                 "お打合せのお礼", "lk1@tsubame-bussn.example.co.jp"),
    [text_part("佐藤様\n\n本日はありがとうございました。今後ともよろしくお願いいたします。\n山口\n")])

CORPUS["s04_lookalike_homoglyph.eml"] = message(
    base_headers(addr("山口 健太", "k.yamaguchi@tsubarne-bussan.example.co.jp"), TO_SATO,
                 "資料の件", "lk2@tsubarne-bussan.example.co.jp"),
    [text_part("佐藤様\n\n資料を確認しました。ありがとうございます。\n山口\n")])

CORPUS["s05_lookalike_other_tld.eml"] = message(
    base_headers(addr("山口 健太", "k.yamaguchi@tsubame-bussan.example.com"), TO_SATO,
                 "ご挨拶", "lk3@tsubame-bussan.example.com"),
    [text_part("佐藤様\n\n新しいメールアドレスからご連絡いたします。\n山口\n")])

CORPUS["s06_encrypted_zip.eml"] = message(
    base_headers(addr("ヒバリ運輸 配送センター", "center@" + HIBARI), TO_SATO, "配送資料",
                 "ez1@" + HIBARI, auth_domain=HIBARI),
    [text_part("佐藤様\n\n配送資料をお送りします。パスワードは別のメールでお送りします。\n"),
     attachment("配送資料.zip", make_zip([("資料.pdf", PDF)], encrypted=True), "application/zip")])

CORPUS["s07_encrypted_zip_password.eml"] = message(
    base_headers(addr("ヒバリ運輸 配送センター", "center@" + HIBARI), TO_SATO, "配送資料の送付",
                 "ez2@" + HIBARI, auth_domain=HIBARI),
    [text_part("佐藤様\n\n配送資料をお送りします。\n添付ファイルのパスワード：Hb4417\nよろしくお願いします。\n"),
     attachment("配送資料.zip", make_zip([("資料.doc", b"x" * 200)], encrypted=True), "application/zip")])

CORPUS["s08_docm.eml"] = message(
    base_headers(addr("ツバメ物産 山口", "k.yamaguchi@" + TSUBAME), TO_SATO, "見積書",
                 "dm1@" + TSUBAME, auth_domain=TSUBAME),
    [text_part("佐藤様\n\n見積書をお送りします。編集を有効にしてご覧ください。\n"),
     attachment("見積書.docm", docx(True), "application/vnd.ms-word.document.macroEnabled.12")])

CORPUS["s09_zip_with_shortcut.eml"] = message(
    base_headers(addr("ヒバリ運輸", "center@" + HIBARI), TO_SATO, "不在通知",
                 "lnk1@" + HIBARI, auth_domain=HIBARI),
    [text_part("お荷物をお届けにあがりましたがご不在でした。添付の控えをご確認ください。\n"),
     attachment("不在票.zip", make_zip([("不在票.pdf.lnk", b"L\x00\x00\x00")]), "application/zip")])

CORPUS["s10_zip_with_exe.eml"] = message(
    base_headers(addr("ツバメ物産 経理部", "keiri@" + TSUBAME), TO_SATO, "支払明細",
                 "exe1@" + TSUBAME, auth_domain=TSUBAME),
    [text_part("支払明細を添付いたします。\n"),
     attachment("明細.zip", make_zip([("支払明細.pdf.exe", b"MZ\x90\x00")]), "application/zip")])

CORPUS["s11_reply_without_thread.eml"] = message(
    base_headers(addr("ヒバリ運輸 配送センター", "center@" + HIBARI), TO_SATO, "RE: 配送日時の変更",
                 "rt1@" + HIBARI, auth_domain=HIBARI),
    [text_part("佐藤様\n\n変更を承りました。\n")])

CORPUS["s12_quoted_thread_other_domain.eml"] = message(
    base_headers(addr("山口 健太", "yamaguchi@relay-qz.example.com"), TO_SATO, "RE: 部品の納期",
                 "qt1@relay-qz.example.com",
                 extra=[("In-Reply-To", "<n1.sato@%s>" % AOBA)]),
    [text_part("佐藤様\n\n下記の件、ご確認ください。\n\n"
               "2024年5月9日(木) 11:20 山口 健太 <k.yamaguchi@" + TSUBAME + ">:\n"
               "> 佐藤様\n> 部品の納期は6月3日です。\n")])

CORPUS["s13_link_text_mismatch.eml"] = message(
    base_headers(addr("ショップかもめ", "news@" + KAMOME), TO_SATO, "ご登録情報の確認",
                 "lt1@" + KAMOME, auth_domain=KAMOME),
    [text_part('<html><body><p>ご登録情報の確認をお願いします。</p>'
               '<p><a href="https://login.account-check.example.net/kamome">https://www.%s/login</a></p>'
               '</body></html>' % KAMOME, subtype="html")])

CORPUS["s14_lookalike_link.eml"] = message(
    base_headers(addr("高橋 翔", "s.takahashi@" + AOBA), TO_SATO, "共有フォルダの場所",
                 "ll1@" + AOBA, auth_domain=AOBA),
    [text_part("佐藤さん\n\n資料は次の場所にあります。\nhttps://files.aoba-denkl.example.co.jp/share/0514\n高橋\n")])

CORPUS["s15_bec_bank_change.eml"] = message(
    base_headers(addr("ツバメ物産 経理部", "keiri@" + TSUBAME), TO_SATO, "お振込先について",
                 "bec1@" + TSUBAME, auth_domain=TSUBAME),
    [text_part("アオバ電機株式会社 経理ご担当者様\n\n監査の都合により、今回のお支払いから振込先の変更をお願いいたします。\n"
               "新しい口座の情報は追ってお送りします。\n\n株式会社ツバメ物産 経理部\n")])

CORPUS["s16_auth_fail.eml"] = message(
    [("Authentication-Results", "mx.aoba-denki.example.co.jp; spf=fail smtp.mailfrom=%s; dkim=fail header.d=%s; dmarc=fail header.from=%s" % (TSUBAME, TSUBAME, TSUBAME))]
    + base_headers(addr("ツバメ物産 山口", "k.yamaguchi@" + TSUBAME), TO_SATO, "ご連絡", "af1@" + TSUBAME),
    [text_part("佐藤様\n\n別件でご相談があります。お電話できますでしょうか。\n山口\n")])

CORPUS["s17_renamed_docx_with_macros.eml"] = message(
    base_headers(addr("ヒバリ運輸", "center@" + HIBARI), TO_SATO, "運賃表の改定",
                 "rm1@" + HIBARI, auth_domain=HIBARI),
    [text_part("運賃表の改定版をお送りします。\n"),
     attachment("運賃表.docx", docx(True),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")])

CORPUS["s18_zip_bomb.eml"] = message(
    base_headers(addr("ヒバリ運輸", "center@" + HIBARI), TO_SATO, "データ",
                 "zb1@" + HIBARI, auth_domain=HIBARI),
    [text_part("データを送ります。\n"),
     attachment("data.zip", zip_bomb_directory(), "application/zip")])

CORPUS["s19_exe_disguised_as_pdf.eml"] = message(
    base_headers(addr("ツバメ物産 山口", "k.yamaguchi@" + TSUBAME), TO_SATO, "図面",
                 "mz1@" + TSUBAME, auth_domain=TSUBAME),
    [text_part("図面をお送りします。\n"),
     attachment("図面.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "application/pdf")])

# ---------- the store-aware check (the manifest's context lists the incident) ----------
MISAGO = "misago-kogyo.example.co.jp"   # disclosed an Emotet infection (context incident #7)
CORPUS["s20_recent_incident_own_domain.eml"] = message(
    base_headers(addr("ミサゴ工業 木村", "kimura@" + MISAGO), TO_SATO, "次回打合せの件",
                 "mi1@" + MISAGO, auth_domain=MISAGO),
    [text_part("佐藤様\n\n次回の打合せは来週水曜日でお願いできますでしょうか。\n木村\n")])

CORPUS["s21_sender_named_in_notice.eml"] = message(
    base_headers(addr("ミサゴ工業 木村", "t.kimura@relay-mx.example.com"), TO_SATO, "RE: 次回打合せの件",
                 "mi2@relay-mx.example.com"),
    [text_part("佐藤様\n\n添付の資料をご確認ください。\n木村\n")])

# ---------- combined ----------
EMOTET_BODY = ("佐藤様\n\nお世話になっております。\n添付の資料をご確認ください。\n"
               "解凍パスワード：Tb2024x\n\n"
               "-----Original Message-----\n"
               "From: 山口 健太 <k.yamaguchi@" + TSUBAME + ">\n"
               "Sent: Thursday, May 9, 2024 11:20 AM\n"
               "> 部品の納期は6月3日です。\n")
CORPUS["c01_emotet_reply_iso2022jp.eml"] = message(
    base_headers(addr("k.yamaguchi@" + TSUBAME, "ab3k@post-qz.example.com"), TO_SATO,
                 "RE: 部品の納期", "em1@post-qz.example.com", charset="iso-2022-jp"),
    [text_part(EMOTET_BODY, "iso-2022-jp"),
     attachment("資料_0514.zip", make_zip([("資料_0514.doc", b"x" * 300)], encrypted=True), "application/zip")])

CORPUS["c02_bec_lookalike_sjis.eml"] = message(
    base_headers(addr("ツバメ物産 経理部", "keiri@tsubame-busan.example.co.jp", "shift_jis"), TO_SATO,
                 "【至急】お振込先口座の変更について", "bec2@tsubame-busan.example.co.jp", charset="shift_jis",
                 extra=[("Reply-To", "keiri.tsubame@freemail.example.net")]),
    [text_part("アオバ電機株式会社 経理ご担当者様\n\n誠に恐縮ですが、本日中に下記の新口座へお振込みをお願いいたします。\n"
               "口座変更の件は社内でも内密に願います。\n\n株式会社ツバメ物産 経理部\n", "shift_jis")])

CORPUS["c03_bonus_lure_xlsm_link.eml"] = message(
    base_headers(addr("人事部", "jinji@aoba-denki-hr.example.com"), TO_SATO, "夏季賞与支給額のお知らせ",
                 "bn1@aoba-denki-hr.example.com"),
    [text_part('<html><body><p>夏季賞与の支給額を添付のファイルでご確認ください。</p>'
               '<p>社内ポータル: <a href="https://portal.hr-notice.example.net/bonus">https://portal.%s/bonus</a></p>'
               '</body></html>' % AOBA, subtype="html"),
     attachment("賞与明細.xlsm", docx(True), "application/vnd.ms-excel.sheet.macroEnabled.12")])

CORPUS["c04_christmas_zip_lnk_encrypted.eml"] = message(
    base_headers(addr("ショップかもめ", "news@kamome-shop.example.net"), TO_SATO,
                 "クリスマスカードが届いています", "xm1@kamome-shop.example.net"),
    [text_part("クリスマスカードが届いています。\nパスワード: 1225card\n"),
     attachment("card.zip", make_zip([("card.lnk", b"L\x00\x00\x00")], encrypted=True), "application/zip")])

CORPUS["c05_covid_invoice_nested_zip.eml"] = message(
    [("Authentication-Results", "mx.aoba-denki.example.co.jp; spf=softfail smtp.mailfrom=hibari-unyu.example.jp; dkim=none; dmarc=none")]
    + base_headers(addr("ヒバリ運輸", "center@" + HIBARI), TO_SATO, "新型コロナ対策に伴う請求書の変更",
                   "cv1@" + HIBARI),
    [text_part("新型コロナウイルス対策のため、請求書の送付方法を変更しました。添付をご確認ください。\n"),
     attachment("請求書.zip", make_zip([("inner.zip", make_zip([("請求書.js", b"var a=1;")], stored=True))], stored=True),
                "application/zip")])

CORPUS["c06_malformed_boundary.eml"] = (
    "From: " + addr("ツバメ物産 山口", "k.yamaguchi@" + TSUBAME) + "\r\nTo: " + TO_SATO +
    "\r\nSubject: " + enc_word("資料") + "\r\nMIME-Version: 1.0\r\n"
    'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n--never-closed\r\n'
    "Content-Type: text/plain; charset=UTF-8\r\n\r\nhello\r\n--never-closed\r\n"
    'Content-Type: application/zip; name="a.zip"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    "UEsDBBQAAAAIAP//\r\n").encode()

EXAMPLE_FILES = {
    "01_partner_meeting.eml": "l01_meeting_utf8.eml",
    "02_emotet_reply.eml": "c01_emotet_reply_iso2022jp.eml",
    "03_bec_bank_change.eml": "c02_bec_lookalike_sjis.eml",
    "04_link_and_macro.eml": "c03_bonus_lure_xlsm_link.eml",
}

if __name__ == "__main__":
    for name, data in CORPUS.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
    os.makedirs(EXAMPLES, exist_ok=True)
    for name, src in EXAMPLE_FILES.items():
        with open(os.path.join(EXAMPLES, name), "wb") as f:
            f.write(CORPUS[src])
    print("wrote %d corpus messages and %d examples" % (len(CORPUS), len(EXAMPLE_FILES)))

"""Documents published only as an attachment: 文号, 成文日期 and signer read from the PDF / OFD / DOCX text;
an attachment nothing here can read (DOC, WPS, a scan) leaves the fields unverified, never missing."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from zwgk_audit.audit import audit
from zwgk_audit.checklist import parse_checklist
from zwgk_audit.crawl.crawler import crawl
from zwgk_audit.extract import attachments
from zwgk_audit.snapshot import Snapshot

from .hostile.servers import FaultServer, send

LINES = ["某政发〔2024〕3号", "某某县人民政府关于做好安全生产工作的通知", "各乡镇人民政府，县直各单位：",
         "为切实做好今年全县安全生产工作，确保人民群众生命财产安全，现就有关事项通知如下，请认真贯彻执行。",
         "某某县人民政府", "2024年1月3日"]


def pdf_bytes(lines=LINES) -> bytes:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from zwgk_audit.report.charts import cjk_font

    with matplotlib.rc_context({"pdf.fonttype": 42}):
        fig = plt.figure(figsize=(8.27, 11.69))
        for i, line in enumerate(lines):
            fig.text(0.08, 0.92 - i * 0.05, line, fontfamily=cjk_font(), fontsize=11)
        buf = io.BytesIO()
        fig.savefig(buf, format="pdf")
        plt.close(fig)
    return buf.getvalue()


def ofd_bytes(lines=LINES) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>')
        objs = "".join(f'<ofd:TextObject Boundary="10 {20 + 10 * i} 180 8"><ofd:TextCode X="0" Y="7">{line}</ofd:TextCode>'
                       "</ofd:TextObject>" for i, line in enumerate(lines))
        z.writestr("Doc_0/Pages/Page_0/Content.xml",
                   f'<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer>{objs}</ofd:Layer>'
                   "</ofd:Content></ofd:Page>")
    return buf.getvalue()


def docx_bytes(lines=LINES) -> bytes:
    buf = io.BytesIO()
    body = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in lines)
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                                        f"<w:body>{body}</w:body></w:document>")
    return buf.getvalue()


@pytest.mark.parametrize("make,name", [(pdf_bytes, "a.pdf"), (ofd_bytes, "a.ofd"), (docx_bytes, "a.docx")])
def test_fields_are_read_from_each_readable_format(make, name):
    text, why = attachments.text_of(make(), "http://x.gov.cn/" + name)
    assert why == "" and "某政发" in text
    f = attachments.fields_of(text)
    assert f.values["doc_no"] == "某政发〔2024〕3号" and f.values["document_date"] == dt.date(2024, 1, 3)
    assert f.values["signer"] == "某某县人民政府" and set(f.sources.values()) == {"attachment"}


def test_unreadable_formats_say_why():
    text, why = attachments.text_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "http://x.gov.cn/a.doc")
    assert text is None and "doc/wps" in why
    text, why = attachments.text_of(b"%PDF-1.4 broken", "http://x.gov.cn/a.pdf")
    assert text is None and "无法解析" in why
    text, why = attachments.text_of(pdf_bytes(["  "]), "http://x.gov.cn/a.pdf")
    assert text is None and "扫描件" in why


def article(title: str, link: str) -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><div class='nav'><a href='/'>首页</a>"
            f"</div><div class='position'>当前位置：<a href='/'>首页</a> &gt; <a href='/zcwj/'>政策文件</a></div>"
            f"<h1>{title}</h1><div>发布日期：2024-01-10</div><div>索引号：001/2024-1</div>"
            f"<div class='content'><p><a href='{link}'>{title}</a></p></div></body></html>").encode("utf-8")


def test_a_crawl_reads_the_attachment_and_the_check_judges_it(tmp_path):
    routes = {
        "/": lambda h: send(h, 200, "<html><body><ul class='list'>"
                                    "<li><a href='/zcwj/t1.html'>关于做好安全生产工作的通知</a><span>2024-01-10</span></li>"
                                    "<li><a href='/zcwj/t2.html'>关于做好防汛工作的通知</a><span>2024-01-10</span></li>"
                                    "</ul></body></html>".encode("utf-8"), headers={"Content-Type": "text/html; charset=utf-8"}),
        "/zcwj/t1.html": lambda h: send(h, 200, article("关于做好安全生产工作的通知", "/zcwj/P1.pdf"),
                                        headers={"Content-Type": "text/html; charset=utf-8"}),
        "/zcwj/t2.html": lambda h: send(h, 200, article("关于做好防汛工作的通知", "/zcwj/P2.doc"),
                                        headers={"Content-Type": "text/html; charset=utf-8"}),
        "/zcwj/P1.pdf": lambda h: send(h, 200, pdf_bytes(), headers={"Content-Type": "application/pdf"}),
    }
    with FaultServer(routes) as s:
        snap = crawl(s.url, out=tmp_path, rate=0, check_external=False, retries=0)
    arts = snap.articles.set_index("url")
    one, two = arts.loc[s.url + "zcwj/t1.html"], arts.loc[s.url + "zcwj/t2.html"]
    assert one["doc_no"] == "某政发〔2024〕3号" and one["document_date"] == dt.date(2024, 1, 3)
    assert one["field_sources"]["document_date"] == "attachment" and "已读取" in one["attachment_note"]
    assert two["document_date"] is None and "未能读取" in two["attachment_note"]  # a .doc is not even fetched
    assert s.hits.get("/zcwj/P2.doc") is None
    # the same answer from the WARC alone
    again = Snapshot.load(snap.warc_path).articles.set_index("url")
    assert again.loc[s.url + "zcwj/t1.html", "doc_no"] == "某政发〔2024〕3号"
    cl = parse_checklist("id: t\ntitle: t\ncategories: [{id: c, title: c, weight: 1}]\nitems:\n"
                         "  - {id: T, title: 时限, check: publication_timeliness, category: c, basis: {clause: x}}\n")
    f = audit(snap, cl, as_of=dt.date(2026, 6, 30)).findings.set_index("subject")
    assert f.loc[s.url + "zcwj/t1.html", "status"] == "pass" and "附件" in f.loc[s.url + "zcwj/t1.html", "measured"]
    assert f.loc[s.url + "zcwj/t2.html", "status"] == "unverified"
    assert "正文在附件中，未能读取" in f.loc[s.url + "zcwj/t2.html", "message"]

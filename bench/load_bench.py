"""Load benchmark: the service under gunicorn against a floor, in one run.

    .venv/bin/python bench/load_bench.py [--quick] [--db sqlite|postgresql] [--pg-url URL]

Both phases run under config/gunicorn.conf.py (same workers, threads, preload) on 127.0.0.1 and get
the same pre-built, really signed and encrypted WeCom 智能机器人 text callbacks (unique msgids; a mix of
reports and queries) from the same number of client threads for the same time:

- floor: a bare Flask endpoint that verifies the signature, decrypts, and encrypts a reply with the
  same crypto (bot.channels.crypto) — the least any correct answer costs on this machine;
- write (with --steps): the floor plus one transaction per message that stores it under its unique
  key with its answer — the least a bot that dedupes and never loses a message must write;
- full:  bot.wsgi:app — verify, decrypt, dedupe, parse, write the ledger and the outbox, reply.

The sender and scheduler are switched off: pushes are queued (written) but not sent, so the figure
is the request path alone. Prints requests/s, p50/p99 latency for each, then `ratio=<full/floor>`.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AIBOT_PATH = "/wecom/aibot"
SPEAKERS = [("zhang.wei", "wr-yf1z"), ("li.na", "wr-yf1z"), ("wang.fang", "cid-bszx"), ("chen.jing", "wr-lyzx"),
            ("zhao.lei", "wr-lyzx"), ("wu.hao", "wr-zb")]
REPORTS = ["后门鱼塘没有护栏，学生放学常去玩", "食堂员工上班不戴口罩帽子", "校门口的红绿灯坏了半个月了",
           "学校保安没有保安员证", "宿舍楼消防通道堆满杂物", "围墙有一段倒塌了还没修", "学生骑电动车上学没戴头盔",
           "食堂留样记录缺了三天"]
QUERIES = ["统计", "逾期", "我的上报", "帮助", "即将到期", "查 食品安全"]


# --- the floor: crypto only, under the same gunicorn settings ---------------------------------------
def floor_app():
    """gunicorn factory (`bench.load_bench:floor_app()`): verify + decrypt + encrypt, nothing else."""
    from flask import Flask, Response, request

    from bot.channels.crypto import WeComCrypto

    crypto = WeComCrypto(os.environ["BENCH_TOKEN"], os.environ["BENCH_KEY"], "")
    app = Flask("floor")

    @app.post(AIBOT_PATH)
    def aibot():
        q = request.args
        plain = json.loads(crypto.decrypt_json_envelope(q["msg_signature"], q["timestamp"], q["nonce"], request.get_data()))
        answer = json.dumps({"msgtype": "stream", "stream": {"id": plain["msgid"], "finish": True,
                                                             "content": "已收到：" + plain["text"]["content"]}},
                            ensure_ascii=False)
        return Response(crypto.encrypt_json_reply(answer, q["timestamp"], q["nonce"]), mimetype="application/json")

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    return app


def write_floor_app():
    """gunicorn factory for `--steps`: the floor plus the least a bot must write — the message taken in
    once (its unique key is the dedupe) with its answer, in one transaction, one writer at a time on
    SQLite as in the bot. What the full path costs beyond this is parsing, the ledger and the replies."""
    import datetime as dt
    import threading as th

    from flask import Flask, Response, request
    from sqlalchemy import insert

    from bot.channels.crypto import WeComCrypto
    from bot.db import Database
    from bot.models import InboundMessage
    from bot.settings import load_settings

    crypto = WeComCrypto(os.environ["BENCH_TOKEN"], os.environ["BENCH_KEY"], "")
    db = Database(load_settings().database)
    db.upgrade()
    turn = th.Lock() if db.is_sqlite else contextlib.nullcontext()
    take_in = insert(InboundMessage.__table__)
    app = Flask("write-floor")

    @app.post(AIBOT_PATH)
    def aibot():
        q = request.args
        plain = json.loads(crypto.decrypt_json_envelope(q["msg_signature"], q["timestamp"], q["nonce"], request.get_data()))
        stream = {"id": plain["msgid"], "finish": True, "content": "已收到：" + plain["text"]["content"]}
        with turn, db.session() as s:
            s.connection().execute(take_in, dict(platform="wecom", msg_id=plain["msgid"], user_id=plain["from"]["userid"],
                                                 chat_id=plain.get("chatid", ""), received_at=dt.datetime.now(dt.timezone.utc),
                                                 done=True, reply={"text": stream["content"]}))
        answer = json.dumps({"msgtype": "stream", "stream": stream}, ensure_ascii=False)
        return Response(crypto.encrypt_json_reply(answer, q["timestamp"], q["nonce"]), mimetype="application/json")

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    return app


# --- set-up ----------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def random_key() -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(42)) + "A"   # 43 chars; last one keeps 32 bytes


def database(kind: str, pg_url: str, tmp: Path):
    """A fresh database URL and a function that removes it afterwards."""
    if kind == "sqlite":
        return f"sqlite:///{tmp}/bench.db", lambda: None
    from sqlalchemy import create_engine, text
    if not pg_url:
        sys.exit("--db postgresql needs --pg-url or BOT_TEST_POSTGRES_URL")
    schema = "bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))

    def drop():
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
    sep = "&" if "?" in pg_url else "?"
    return f"{pg_url}{sep}options=-csearch_path%3D{schema}", drop


def write_config(tmp: Path, db_url: str, token: str, key: str) -> Path:
    import yaml
    data = {"database_url": db_url, "wecom_aibot": {"token": token, "encoding_aes_key": key},
            "scheduler_enabled": False, "sender_enabled": False}
    path = tmp / "bench.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


class Gunicorn:
    def __init__(self, app_spec: str, env: dict, log: Path, workers: int, threads: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, **env, "BOT_BIND": f"127.0.0.1:{self.port}", "BOT_THREADS": str(threads),
               "BOT_ACCESS_LOG": str(log.with_suffix(".access"))}
        if workers:
            env["BOT_WORKERS"] = str(workers)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self._log = open(log, "wb")
        self.p = subprocess.Popen([str(gunicorn), "-c", str(ROOT / "config/gunicorn.conf.py"), app_spec],
                                  cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_ready(log)

    def _wait_ready(self, log: Path, timeout: float = 60.0) -> None:
        import requests
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.p.poll() is not None:
                sys.exit(f"gunicorn exited:\n{log.read_text(errors='replace')[-2000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        sys.exit(f"gunicorn did not answer within {timeout}s")

    def stop(self) -> None:
        import signal
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGTERM)
            try:
                self.p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait(timeout=5)
        self._log.close()


# --- the client ------------------------------------------------------------------------------------
def build_requests(token: str, key: str, n: int, run: str) -> list[tuple[str, bytes]]:
    """Signed, encrypted callbacks built before the clock starts, so the client stays light."""
    from urllib.parse import urlencode

    from bot.channels.crypto import WeComCrypto
    crypto = WeComCrypto(token, key, "")
    ts = str(int(time.time()))
    out = []
    for i in range(n):
        user, chat = SPEAKERS[i % len(SPEAKERS)]
        text = REPORTS[i % len(REPORTS)] + f"（{i}）" if i % 5 < 3 else QUERIES[i % len(QUERIES)]   # 60% reports
        payload = {"msgid": f"{run}-{i}", "aibotid": "bench", "chattype": "group", "chatid": chat,
                   "from": {"userid": user}, "msgtype": "text", "text": {"content": "@校园安全助手 " + text}}
        enc = crypto.encrypt(json.dumps(payload, ensure_ascii=False))
        nonce = str(secrets.randbelow(10 ** 10))
        query = urlencode({"msg_signature": crypto.signature(ts, nonce, enc), "timestamp": ts, "nonce": nonce})
        out.append((f"{AIBOT_PATH}?{query}", json.dumps({"encrypt": enc}).encode()))
    return out


def load(url: str, reqs: list[tuple[str, bytes]], clients: int, seconds: float) -> dict:
    """`clients` threads, each with its own keep-alive connection, until time or requests run out."""
    import http.client
    host, port = url.removeprefix("http://").split(":")
    lock = threading.Lock()
    cursor = iter(reqs)
    latencies: list[float] = []
    errors: list[str] = []
    stop_at = time.monotonic() + seconds

    def client():
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        mine = []
        while time.monotonic() < stop_at:
            with lock:
                item = next(cursor, None)
            if item is None:
                break
            path, body = item
            started = time.perf_counter()
            try:
                conn.request("POST", path, body, {"Content-Type": "application/json"})
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
            mine.append(time.perf_counter() - started)
            if status != 200:
                with lock:
                    errors.append(str(status))
        conn.close()
        with lock:
            latencies.extend(mine)

    began = time.monotonic()
    with cf.ThreadPoolExecutor(clients) as pool:
        for f in [pool.submit(client) for _ in range(clients)]:
            f.result()
    elapsed = time.monotonic() - began
    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")  # noqa: E731
    return {"n": len(latencies), "rps": len(latencies) / elapsed, "p50": pct(0.50), "p99": pct(0.99),
            "mean": statistics.fmean(latencies) * 1000 if latencies else float("nan"), "errors": errors,
            "exhausted": next(cursor, None) is None}


def phase(name: str, app_spec: str, env: dict, tmp: Path, args, reqs) -> dict:
    server = Gunicorn(app_spec, env, tmp / f"{name}.log", args.workers, args.threads)
    try:
        load(server.url, reqs[: args.clients * 20], args.clients, 3.0)          # warm-up: imports, pools, jieba
        result = load(server.url, reqs[args.clients * 20:], args.clients, args.seconds)
    finally:
        server.stop()
    errs = f", {len(result['errors'])} errors ({sorted(set(result['errors']))[:5]})" if result["errors"] else ""
    if result["errors"]:
        why = [line for line in (tmp / f"{name}.log").read_text(errors="replace").splitlines()
               if "refused" in line or "Error" in line]
        print("\n".join(f"  {line[:200]}" for line in dict.fromkeys(why[-5:])))
    print(f"{name:5}: {result['rps']:7.1f} req/s  p50 {result['p50']:6.1f} ms  p99 {result['p99']:6.1f} ms  "
          f"mean {result['mean']:6.1f} ms  n={result['n']}{errs}"
          + ("  (ran out of prepared requests)" if result["exhausted"] else ""), flush=True)
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="15 s per phase (the whole run stays under two minutes)")
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--pg-url", default=os.environ.get("BOT_TEST_POSTGRES_URL", ""))
    ap.add_argument("--seconds", type=float, help="measured time per phase (default 60, --quick 15)")
    ap.add_argument("--clients", type=int, default=8, help="concurrent client threads (default 8)")
    ap.add_argument("--workers", type=int, help="default: config/gunicorn.conf.py's (1 on SQLite, 2 on PostgreSQL)")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--steps", action="store_true",
                    help="also measure the floor plus one transactional write (where the rest of the gap lies)")
    args = ap.parse_args(argv)
    args.seconds = args.seconds or (15.0 if args.quick else 60.0)
    token, key = secrets.token_hex(8), random_key()
    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmpdir:
        tmp = Path(tmpdir)
        db_url, drop = database(args.db, args.pg_url, tmp)
        try:
            config = write_config(tmp, db_url, token, key)
            budget = int(args.seconds * 2000) + args.clients * 20    # the floor runs well over 1000 req/s
            print(f"load bench: db={args.db} gunicorn workers={args.workers or 'default'} threads={args.threads} "
                  f"clients={args.clients} {args.seconds:.0f}s per phase, building {budget} requests…", flush=True)
            floor_reqs = build_requests(token, key, budget, "floor")
            # BOT_CONFIG for the floor too: gunicorn.conf.py picks the worker count from the database kind
            floor = phase("floor", "bench.load_bench:floor_app()",
                          {"BENCH_TOKEN": token, "BENCH_KEY": key, "BOT_CONFIG": str(config)}, tmp, args, floor_reqs)
            del floor_reqs
            if args.steps:
                write_reqs = build_requests(token, key, budget, "write")
                write = phase("write", "bench.load_bench:write_floor_app()",
                              {"BENCH_TOKEN": token, "BENCH_KEY": key, "BOT_CONFIG": str(config)}, tmp, args, write_reqs)
                del write_reqs
                print(f"write: {write['rps'] / floor['rps']:.0%} of the floor — the dedupe row and its answer, "
                      f"one transaction per message", flush=True)
            full_reqs = build_requests(token, key, budget, "full")
            full = phase("full", "bot.wsgi:app", {"BOT_CONFIG": str(config)}, tmp, args, full_reqs)
        finally:
            drop()
    ratio = full["rps"] / floor["rps"] if floor["rps"] else 0.0
    verdict = "meets" if ratio >= 0.5 and full["p99"] < 1000 and not full["errors"] else "BELOW"
    print(f"full path at {ratio:.0%} of the floor's throughput; p99 {full['p99']:.0f} ms "
          f"({verdict} the target: >= 50% and p99 well under 1 s)")
    print(f"ratio={ratio:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

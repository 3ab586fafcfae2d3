#!/usr/bin/env bash
# 62_deploy_nginx.sh - deploy/nginx/quartz.conf in front of two Quartz
# instances (each started by the template unit's own ExecStart): HTTPS with
# a self-signed certificate on loopback, /api/stats.json only for
# 127.0.0.1, and a 1000-request run that loses no request while one
# instance is stopped in the middle of it (nginx retries on the other).
#
# The nginx config is the deployed file with only addresses and certificate
# paths rewritten (sed below), wrapped in a minimal nginx.conf that keeps
# every path inside the test's temp dir.
. "$(dirname "$0")/../lib.sh"
D=$TOP/deploy
R=$TMPDIR_T/root
T=$TMPDIR_T
for c in nginx openssl; do
	command -v $c >/dev/null || { fail deploy_nginx "$c missing (tools/deps.sh test installs it)"; exit 0; }
done
[ -f "$ELF" ] || { fail deploy_nginx "no ELF at $ELF"; exit 0; }
"$D/install.sh" --root "$R" --elf "$ELF" >/dev/null || { fail deploy_nginx "install.sh --root failed"; exit 0; }
url_path=/
[ -f "$TOP/assets/index.html" ] || url_path=/$(cd "$TOP/assets" && find . -type f | head -1 | cut -c3-)

# Two instances, 1 and 2, from the template; base + 1 and base + 2 free.
while :; do
	base=$(free_port)
	p1=$((base + 1)) p2=$((base + 2))
	python3 -c "
import socket,sys
for p in sys.argv[1:]:
    s=socket.socket(); s.bind(('127.0.0.1',int(p))); s.close()" $p1 $p2 2>/dev/null && break
done
declare -A PID
for i in 1 2; do
	mapfile -d '' argv < <("$D/unit-cmdline" "$D/quartz-unikernel@.service" --instance $i \
		--path "/opt/quartz=$R/opt/quartz" --set QUARTZ_PORT_BASE=$base --set QUARTZ_APPEND=accesslog=0)
	timeout --signal=KILL 180 "${argv[@]}" > "$T/q$i.log" 2>&1 < /dev/null &
	PID[$i]=$!
	QEMU_PIDS+=("${PID[$i]}")
done
for p in $p1 $p2; do
	ok=
	for _ in $(seq 1 150); do
		[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$p$url_path")" = 200 ] && { ok=1; break; }
		sleep 0.1
	done
	[ -n "$ok" ] || { fail deploy_nginx_instances_up "instance on $p does not serve"; exit 0; }
done
pass deploy_nginx_instances_up

# nginx: a self-signed certificate, the deployed config with loopback ports.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" \
	-days 1 -subj /CN=localhost 2>/dev/null
https=$(free_port) http=$(free_port)
sed -e "s#/etc/letsencrypt/live/example.com/fullchain.pem#$T/cert.pem#" \
    -e "s#/etc/letsencrypt/live/example.com/privkey.pem#$T/key.pem#" \
    -e "s#listen 443 ssl http2;#listen 127.0.0.1:$https ssl http2;#" \
    -e "s#listen 80;#listen 127.0.0.1:$http;#" \
    -e '/listen \[::\]/d' \
    -e "s#server 127.0.0.1:8081 #server 127.0.0.1:$p1 #" \
    -e "s#server 127.0.0.1:8082 #server 127.0.0.1:$p2 #" \
    "$D/nginx/quartz.conf" > "$T/quartz.conf"
# Each rewrite must have hit, or the test would quietly run something else.
for want in "$T/cert.pem" "$T/key.pem" "127.0.0.1:$https ssl" "127.0.0.1:$http;" ":$p1 max_fails" ":$p2 max_fails"; do
	grep -qF "$want" "$T/quartz.conf" || { fail deploy_nginx_config "rewrite missed: $want"; exit 0; }
done
mkdir -p "$T/ngx"
cat > "$T/nginx.conf" <<NGX
daemon off;
worker_processes 1;
pid $T/ngx/nginx.pid;
error_log $T/ngx/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $T/ngx/body;
	proxy_temp_path $T/ngx/proxy;
	fastcgi_temp_path $T/ngx/fastcgi;
	uwsgi_temp_path $T/ngx/uwsgi;
	scgi_temp_path $T/ngx/scgi;
	include $T/quartz.conf;
}
NGX
if nginx -t -p "$T/ngx" -c "$T/nginx.conf" > "$T/nginx-t.log" 2>&1; then pass deploy_nginx_config; else
	fail deploy_nginx_config "$(tail -2 "$T/nginx-t.log")"; exit 0; fi
timeout --signal=KILL 120 nginx -p "$T/ngx" -c "$T/nginx.conf" 2>> "$T/ngx/stderr" &
QEMU_PIDS+=($!)   # killed by PID at exit like the guests
for _ in $(seq 1 50); do curl -sk -o /dev/null "https://127.0.0.1:$https/" && break; sleep 0.1; done

want=$TOP/assets$url_path; [ "$url_path" = / ] && want=$TOP/assets/index.html
code=$(curl -sk -o "$T/body" -w '%{http_code}' "https://127.0.0.1:$https$url_path")
if [ "$code" = 200 ] && cmp -s "$T/body" "$want"; then pass deploy_nginx_https_200; else
	fail deploy_nginx_https_200 "code $code"; fi
code=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$http/x")
case "$code" in "301 https://"*) pass deploy_nginx_http_redirects;; *) fail deploy_nginx_http_redirects "$code";; esac

# /api/stats.json: 200 from 127.0.0.1, 403 from another loopback address.
c1=$(curl -sk -o "$T/stats" -w '%{http_code}' "https://127.0.0.1:$https/api/stats.json")
c2=$(curl -sk -o /dev/null -w '%{http_code}' --interface 127.0.0.2 "https://127.0.0.1:$https/api/stats.json")
if [ "$c1" = 200 ] && [ "$c2" = 403 ] && grep -q '{' "$T/stats"; then pass deploy_nginx_stats_localhost_only; else
	fail deploy_nginx_stats_localhost_only "from 127.0.0.1: $c1, from 127.0.0.2: $c2"; fi

# 1000 requests over 4 keep-alive TLS connections; instance 1's QEMU (the
# child of its timeout) is killed, as a crash or `systemctl stop` would end
# it, after 300.  The kill is made between requests (the workers drain what
# they have in flight first): a backend that dies in the middle of sending a
# response loses that response behind any proxy, since nginx has already
# passed the status line on; what must not be lost is every request after
# the stop, including those nginx sends on kept-alive connections to the
# dead instance.  Every request must come back 200 with the right body.
victim=$(pgrep -P "${PID[1]}" | head -1)
[ -n "$victim" ] || { fail deploy_nginx_failover_no_loss "cannot find instance 1's QEMU"; exit 0; }
python3 - "$https" "$url_path" "$want" "$victim" > "$T/run.txt" 2>&1 <<'PY'
import http.client, os, signal, ssl, sys, threading
port, path, want, victim = int(sys.argv[1]), sys.argv[2], open(sys.argv[3], "rb").read(), int(sys.argv[4])
ctx = ssl._create_unverified_context()
cv = threading.Condition()
state = {"next": 0, "ok": 0, "bad": 0, "killed_at": None, "why": [], "inflight": 0}
def worker():
    conn = None
    while True:
        with cv:
            n = state["next"]
            if n >= 1000:
                break
            state["next"] += 1
            if n == 300 and state["killed_at"] is None:
                cv.wait_for(lambda: state["inflight"] == 0, timeout=30)
                os.kill(victim, signal.SIGKILL)
                state["killed_at"] = n
                cv.notify_all()
            elif n > 300:
                cv.wait_for(lambda: state["killed_at"] is not None, timeout=30)
            state["inflight"] += 1
        try:
            if conn is None:
                conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=20)
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
            good = r.status == 200 and body == want
            why = "status %d, %d bytes" % (r.status, len(body))
        except Exception as e:
            good, why, conn = False, repr(e), None
        with cv:
            state["inflight"] -= 1
            state["ok" if good else "bad"] += 1
            if not good:
                state["why"].append(why)
            cv.notify_all()
ts = [threading.Thread(target=worker) for _ in range(4)]
[t.start() for t in ts]
[t.join() for t in ts]
print("ok %d bad %d killed_at %s" % (state["ok"], state["bad"], state["killed_at"]))
for w in state["why"][:5]:
    print("why", w)
PY
{ wait "${PID[1]}"; } 2>/dev/null
res=$(head -1 "$T/run.txt")
if [ "$res" = "ok 1000 bad 0 killed_at 300" ]; then pass deploy_nginx_failover_no_loss; else
	fail deploy_nginx_failover_no_loss "$(tr '\n' ';' < "$T/run.txt")"; fi
# And the kill really happened mid-run: instance 1 is gone and nginx saw it.
if ! curl -s -o /dev/null -m 2 "http://127.0.0.1:$p1/" && grep -q "upstream" "$T/ngx/error.log"; then
	pass deploy_nginx_failover_was_real
else
	fail deploy_nginx_failover_was_real "instance 1 still answers or nginx logged no upstream error"
fi

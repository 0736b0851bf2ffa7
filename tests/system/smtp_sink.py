#!/usr/bin/env python3
"""A real SMTP server for the notify tests (Python 3.11's smtpd): each message it accepts
is written to DIR as N.eml; with --hold FILE, a message's DATA is answered only once FILE
exists (a slow server: the sender stays mid-send while the test arranges a race). When a
sender reaches DATA, DIR/sending.N is created. Prints "listening PORT" when ready."""
import argparse, os, time, warnings

warnings.simplefilter("ignore", DeprecationWarning)
import asyncore  # noqa: E402
import smtpd  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--hold")
a = ap.parse_args()
count = 0


class Sink(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kw):
        global count
        count += 1
        n = count
        open(os.path.join(a.dir, "sending.%d" % n), "w").close()
        while a.hold and not os.path.exists(a.hold):
            time.sleep(0.05)
        if isinstance(data, bytes):
            data = data.decode("utf-8", "replace")
        tmp = os.path.join(a.dir, ".%d.tmp" % n)
        with open(tmp, "w") as f:
            f.write("X-Rcpt: %s\n%s" % (",".join(rcpttos), data))
        os.rename(tmp, os.path.join(a.dir, "%d.eml" % n))
        return None


s = Sink(("127.0.0.1", 0), None, decode_data=False)
print("listening", s.socket.getsockname()[1], flush=True)
asyncore.loop(timeout=0.2)

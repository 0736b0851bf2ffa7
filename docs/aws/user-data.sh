#!/bin/bash
# EC2 user data for a GAS worker on Debian 12 (amd64 or arm64). It installs the packages,
# builds gasd from the source tarball at GAS_SOURCE_URL (an s3:// or https:// URL), writes
# /etc/gas/gas.conf for the AWS backend, and starts gasd under systemd. Credentials come
# from the instance role (IMDSv2): attach a role with docs/aws/iam-worker-policy.json.
# Run `gas aws bootstrap` once beforehand, from an admin machine (iam-bootstrap-policy.json).
# Everything is logged to /var/log/gas-user-data.log.
set -euo pipefail
exec > >(tee -a /var/log/gas-user-data.log) 2>&1

# ---- settings: edit these (or template them in your launch template) ----
GAS_SOURCE_URL=${GAS_SOURCE_URL:-s3://my-gas-artifacts/gas-src.tar.gz}
GAS_COLD_MODE=${GAS_COLD_MODE:-s3}                # s3 (storage classes) or glacier (vault)
GAS_ARCHIVE_VAULT=${GAS_ARCHIVE_VAULT:-gas-archive}  # archive bucket (s3) or vault (glacier)
GAS_INPUTS_BUCKET=${GAS_INPUTS_BUCKET:-gas-inputs}
GAS_RESULTS_BUCKET=${GAS_RESULTS_BUCKET:-gas-results}
GAS_SES_SENDER=${GAS_SES_SENDER:-}                # a verified SES sender: emails go by SES
GAS_SMTP_URL=${GAS_SMTP_URL:-}                    # or SMTP, e.g. smtps://email-smtp.us-east-1.amazonaws.com:465
# with neither, emails are only written to /var/lib/gas/outbox on an instance the group
# will terminate: refused below
# --------------------------------------------------------------------------

if [ -z "$GAS_SES_SENDER" ] && [ -z "$GAS_SMTP_URL" ]; then
  echo "gas user data: set GAS_SES_SENDER (or GAS_SMTP_URL): without either, users' emails would stay on this instance" >&2
  exit 1
fi
NOTIFY_VIA=smtp; [ -n "$GAS_SES_SENDER" ] && NOTIFY_VIA=ses

# region of this instance, from IMDSv2 (token first)
TOKEN=$(curl -sf -X PUT http://169.254.169.254/latest/api/token \
  -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
REGION=$(curl -sf -H "X-aws-ec2-metadata-token: $TOKEN" \
  http://169.254.169.254/latest/meta-data/placement/region)

export DEBIAN_FRONTEND=noninteractive
apt-get update
# what `make` needs (scripts/install-deps.sh --build: it would install them, as root only)
apt-get install -y --no-install-recommends build-essential pkg-config make git curl ca-certificates \
  awscli libsqlite3-dev libcjson-dev libcurl4-gnutls-dev libssl-dev libncurses-dev libhts-dev \
  libxml2-dev libpq-dev tabix bcftools gawk

# the source, built as an unprivileged user, installed to /usr/local
id gas >/dev/null 2>&1 || useradd --system --home-dir /var/lib/gas --shell /usr/sbin/nologin gas
install -d -o gas -g gas -m 0700 /var/lib/gas /opt/gas-src
case $GAS_SOURCE_URL in
  s3://*) aws s3 cp "$GAS_SOURCE_URL" /tmp/gas-src.tar.gz --region "$REGION" ;;
  *) curl -sfL -o /tmp/gas-src.tar.gz "$GAS_SOURCE_URL" ;;
esac
tar -xzf /tmp/gas-src.tar.gz -C /opt/gas-src --strip-components=1
chown -R gas:gas /opt/gas-src
su -s /bin/sh gas -c 'make -C /opt/gas-src -j"$(nproc)"'
make -C /opt/gas-src install PREFIX=/usr/local

# configuration: names must match what `gas aws bootstrap` made
install -d -m 0750 -o root -g gas /etc/gas
umask 027
cat > /etc/gas/gas.conf <<CONF
backend = aws
aws_region = $REGION
cold_mode = $GAS_COLD_MODE
archive_vault = $GAS_ARCHIVE_VAULT
inputs_bucket = $GAS_INPUTS_BUCKET
results_bucket = $GAS_RESULTS_BUCKET
work_dir = /var/lib/gas/work
outbox_dir = /var/lib/gas/outbox
log_json = true
notify_via = $NOTIFY_VIA
ses_sender = $GAS_SES_SENDER
smtp_url = $GAS_SMTP_URL
CONF
chgrp gas /etc/gas/gas.conf
chmod 0640 /etc/gas/gas.conf
install -d -o gas -g gas -m 0700 /var/lib/gas/work /var/lib/gas/outbox

# no access keys on the machine: the credentials chain ends at the instance role (IMDSv2)
install -m 0644 /opt/gas-src/docs/gasd.service /etc/systemd/system/gasd.service
# scale-in: the termination lifecycle hook's instance side (docs/aws.md): stops gasd when the
# group terminates this instance, then completes the hook
install -m 0755 /opt/gas-src/docs/aws/gas-drain.sh /usr/local/sbin/gas-drain
cat > /etc/systemd/system/gas-drain.service <<'UNIT'
[Unit]
Description=GAS: drain gasd when the Auto Scaling group terminates this instance
After=gasd.service network-online.target

[Service]
Environment=GAS_LIFECYCLE_HOOK=drain
ExecStart=/usr/local/sbin/gas-drain
Restart=on-failure

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now gasd gas-drain
systemctl --no-pager status gasd || true
echo "gas user data: gasd started in $REGION"

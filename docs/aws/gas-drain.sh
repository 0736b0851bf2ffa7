#!/bin/bash
# gas-drain: the instance's side of the Auto Scaling termination lifecycle hook (docs/aws.md,
# scale-in). Installed by user-data.sh as the gas-drain service. It waits until the group
# marks this instance for termination (IMDSv2 autoscaling/target-lifecycle-state becomes
# "Terminated" while the hook holds it in Terminating:Wait), then stops gasd (SIGTERM: it
# stops receiving and finishes or releases the job in hand within shutdown_deadline), then
# completes the lifecycle action so the group terminates the instance at once instead of
# waiting out the hook's heartbeat timeout. Needs autoscaling:DescribeAutoScalingInstances
# and autoscaling:CompleteLifecycleAction (iam-worker-policy.json).
#   GAS_LIFECYCLE_HOOK   the hook's name (default drain, as in docs/aws.md)
set -uo pipefail
HOOK=${GAS_LIFECYCLE_HOOK:-drain}
IMDS=http://169.254.169.254/latest
meta() { # meta PATH: an IMDSv2 read (a token per read: they expire)
  local t
  t=$(curl -sf -X PUT "$IMDS/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 60') || return 1
  curl -sf -H "X-aws-ec2-metadata-token: $t" "$IMDS/meta-data/$1"
}
until ID=$(meta instance-id) && REGION=$(meta placement/region); do sleep 5; done
while [ "$(meta autoscaling/target-lifecycle-state 2>/dev/null)" != Terminated ]; do
  sleep 5
done
echo "gas-drain: $ID is being terminated: stopping gasd"
systemctl stop gasd # returns once gasd has exited (finished or released its jobs)
GROUP=$(aws autoscaling describe-auto-scaling-instances --region "$REGION" --instance-ids "$ID" \
  --query 'AutoScalingInstances[0].AutoScalingGroupName' --output text) || GROUP=
if [ -n "$GROUP" ] && [ "$GROUP" != None ]; then
  aws autoscaling complete-lifecycle-action --region "$REGION" --auto-scaling-group-name "$GROUP" \
    --lifecycle-hook-name "$HOOK" --instance-id "$ID" --lifecycle-action-result CONTINUE &&
    echo "gas-drain: lifecycle action $HOOK completed for $ID in $GROUP"
else
  echo "gas-drain: $ID is in no Auto Scaling group I can see: the hook's timeout will end it"
fi

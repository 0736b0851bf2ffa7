# boto3, as GAS's Python code (web app, utilities) uses it, for the AWS system tests.
# Talks to the endpoint in GAS_AWS_ENDPOINT with the credentials in the environment.
#   aws_tool.py submit TABLE TOPIC BUCKET USER FILE     a job the way GAS's web app makes
#                                                       one: upload, put_item, SNS publish
#                                                       of the item; prints the job id
#   aws_tool.py item TABLE JOB ATTR                     prints one attribute of the item
#   aws_tool.py exists BUCKET KEY                       exit 0 if the object exists
#   aws_tool.py storage-class BUCKET KEY                prints the object's storage class
#   aws_tool.py legacy TABLE VAULT BUCKET USER FILE     a job archived by GAS's Python code:
#                                                       the result uploaded to the Glacier
#                                                       vault, the item holding only
#                                                       results_file_archive_id; prints it
#   aws_tool.py deploy-table TABLE INDEX                a jobs table as a GAS deployment made it
#                                                       (its own user index name)
#   aws_tool.py deploy-submit TABLE TOPIC BUCKET USER FILE SHAPE
#                                                       a job as another deployment's web app
#                                                       makes it; SHAPE: pylit (time.time()
#                                                       submit_time, str(dict) published) or
#                                                       strtime (submit_time a string)
#   aws_tool.py deploy-archived TABLE VAULT BUCKET USER FILE SHAPE
#                                                       a result archived by a deployment's
#                                                       archive script: fractional times, no
#                                                       archive_state, no s3_key_result_file
#                                                       nor s3_results_bucket (SHAPE nokeys)
#                                                       or result_archive_id + archived=True
#                                                       (SHAPE renamed), or nokeys with a
#                                                       submit_time of "yesterday" (SHAPE
#                                                       broken); prints "JOB ARCHIVE"
#   aws_tool.py deploy-retrieve VAULT ARCHIVE DESC TOPIC
#                                                       a retrieval started by a deployment's
#                                                       restore script (description DESC),
#                                                       and the completion notice Glacier
#                                                       publishes to TOPIC
#   aws_tool.py notice TOPIC ARCHIVE DESC               a Glacier completion notice for a
#                                                       retrieval of ARCHIVE (no retrieval)
#   aws_tool.py restore-elsewhere TABLE JOB BUCKET KEY FILE
#                                                       another tool put the result back and
#                                                       dropped the archive id (ARCHIVED kept)
#   aws_tool.py item-json TABLE JOB                     the whole item, numbers as written
#   aws_tool.py iam-user NAME                           an IAM user with full access and an
#                                                       access key; prints "KEY SECRET"
#   aws_tool.py secret NAME JSON                        a Secrets Manager secret (SecretString)
#   aws_tool.py put-secret NAME JSON                    a new value of a secret (a rotation)
#   aws_tool.py ses-verify EMAIL                        a verified SES email identity
#   aws_tool.py ses-event TOPIC Bounce|Complaint|Delivery MESSAGE_ID JOB_ID|'' ADDRESS
#                                                       an SES notification published to TOPIC
#   aws_tool.py deploy-queues REQ_QUEUE THAW_QUEUE BUCKET
#                                                       a deployment's own queues and bucket
#                                                       before bootstrap: REQ_QUEUE with its
#                                                       visibility (45), delay (3) and access
#                                                       policy, THAW_QUEUE with a redrive
#                                                       policy to THAW_QUEUE_errors and an
#                                                       access policy, BUCKET
#                                                       with no public access block
#   aws_tool.py queue-attrs QUEUE                       its attributes, as JSON
#   aws_tool.py public-block BUCKET                     the bucket's public access block, as
#                                                       JSON, or "none"
#   aws_tool.py web-restore TOPIC JOB USER ARCHIVE      a web app's per-job restore request
#                                                       after an upgrade, published as JSON
#   aws_tool.py ses-sent SOURCE                         the emails SES sent from SOURCE, one
#                                                       "TO<TAB>SUBJECT" line each (moto's
#                                                       /moto-api/data.json)
import json, os, sys, time, uuid

import boto3
from botocore.config import Config

ep = os.environ["GAS_AWS_ENDPOINT"]
region = os.environ.get("GAS_AWS_REGION", "us-east-1")
cfg = Config(retries={"max_attempts": 3, "mode": "standard"})


def client(name):
    return boto3.client(name, endpoint_url=ep, region_name=region, config=cfg)


def topic_arn(name):
    acct = client("sts").get_caller_identity()["Account"]
    return "arn:aws:sns:%s:%s:%s" % (region, acct, name)


def submit(table, topic, bucket, user, path):
    job_id = str(uuid.uuid4())
    name = os.path.basename(path)
    key = "gas/%s/%s~%s" % (user, job_id, name)
    client("s3").upload_file(path, bucket, key)
    item = {
        "job_id": job_id,
        "user_id": user,
        "input_file_name": name,
        "s3_inputs_bucket": bucket,
        "s3_key_input_file": key,
        "submit_time": int(time.time()),
        "job_status": "PENDING",
    }
    boto3.resource("dynamodb", endpoint_url=ep, region_name=region).Table(table).put_item(Item=item)
    client("sns").publish(TopicArn=topic_arn(topic), Message=json.dumps(item, default=int))
    print(job_id)


def item(table, job_id, attr):
    t = boto3.resource("dynamodb", endpoint_url=ep, region_name=region).Table(table)
    it = t.get_item(Key={"job_id": job_id}).get("Item", {})
    if attr not in it:
        sys.exit(1)
    v = it[attr]
    print(int(v) if hasattr(v, "as_integer_ratio") and int(v) == v else v)


def exists(bucket, key):
    try:
        client("s3").head_object(Bucket=bucket, Key=key)
    except client("s3").exceptions.ClientError:
        sys.exit(1)


def storage_class(bucket, key):
    print(client("s3").head_object(Bucket=bucket, Key=key).get("StorageClass", "STANDARD"))


def legacy(table, vault, bucket, user, path):
    job_id = str(uuid.uuid4())
    name = os.path.basename(path)
    base = name[:-4] if name.endswith(".vcf") else name
    with open(path, "rb") as f:
        arch = client("glacier").upload_archive(vaultName=vault, body=f.read())
    item = {
        "job_id": job_id,
        "user_id": user,
        "input_file_name": name,
        "s3_inputs_bucket": bucket,
        "s3_key_input_file": "gas/%s/%s~%s" % (user, job_id, name),
        "submit_time": int(time.time()) - 7200,
        "job_status": "COMPLETED",
        "s3_results_bucket": bucket,
        "s3_key_result_file": "gas/%s/%s~%s.annot.vcf" % (user, job_id, base),
        "s3_key_log_file": "gas/%s/%s~%s.vcf.count.log" % (user, job_id, base),
        "complete_time": int(time.time()) - 7000,
        "results_file_archive_id": arch["archiveId"],
    }
    boto3.resource("dynamodb", endpoint_url=ep, region_name=region).Table(table).put_item(Item=item)
    print(job_id)


def table_of(name):
    return boto3.resource("dynamodb", endpoint_url=ep, region_name=region).Table(name)


def deploy_table(table, index, billing="on-demand"):
    """billing: on-demand, or provisioned (5 read, 3 write: as the console makes tables)"""
    cap = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 3}
    gsi = {"IndexName": index, "KeySchema": [{"AttributeName": "user_id", "KeyType": "HASH"}],
           "Projection": {"ProjectionType": "ALL"}}
    extra = {"BillingMode": "PAY_PER_REQUEST"}
    if billing == "provisioned":
        gsi["ProvisionedThroughput"] = cap
        extra = {"BillingMode": "PROVISIONED", "ProvisionedThroughput": cap}
    client("dynamodb").create_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "job_id", "AttributeType": "S"},
                              {"AttributeName": "user_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "job_id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[gsi], **extra)


def index_capacity(table, index):
    """an index's provisioned read and write capacity ("none" when it has none)"""
    for g in client("dynamodb").describe_table(TableName=table)["Table"].get(
            "GlobalSecondaryIndexes", []):
        if g["IndexName"] == index:
            pt = g.get("ProvisionedThroughput") or {}
            r, w = pt.get("ReadCapacityUnits", 0), pt.get("WriteCapacityUnits", 0)
            print("%d %d" % (r, w) if r or w else "none")
            return
    print("no index")


def deploy_submit(table, topic, bucket, user, path, shape):
    from decimal import Decimal
    job_id = str(uuid.uuid4())
    name = os.path.basename(path)
    key = "gas/%s/%s~%s" % (user, job_id, name)
    client("s3").upload_file(path, bucket, key)
    now = Decimal(str(time.time()))
    item = {"job_id": job_id, "user_id": user, "input_file_name": name,
            "s3_inputs_bucket": bucket, "s3_key_input_file": key,
            "submit_time": now if shape == "pylit" else str(int(now)),
            "job_status": "PENDING"}
    table_of(table).put_item(Item=item)
    body = str(item) if shape == "pylit" else json.dumps(item)
    client("sns").publish(TopicArn=topic_arn(topic), Message=body)
    print(job_id)


def deploy_archived(table, vault, bucket, user, path, shape):
    from decimal import Decimal
    job_id = str(uuid.uuid4())
    name = os.path.basename(path)
    base = name[:-4] if name.endswith(".vcf") else name
    result_key = "gas/%s/%s~%s.annot.vcf" % (user, job_id, base)
    with open(path, "rb") as f:
        arch = client("glacier").upload_archive(vaultName=vault, body=f.read(),
                                                archiveDescription=result_key)
    now = time.time()
    item = {"job_id": job_id, "user_id": user, "input_file_name": name,
            "s3_inputs_bucket": bucket,
            "s3_key_input_file": "gas/%s/%s~%s" % (user, job_id, name),
            "submit_time": Decimal(str(now - 7200)), "job_status": "COMPLETED",
            "s3_key_log_file": "gas/%s/%s~%s.vcf.count.log" % (user, job_id, base),
            "complete_time": Decimal(str(now - 7000))}
    if shape == "renamed":
        item.update({"s3_results_bucket": bucket, "s3_key_result_file": result_key,
                     "result_archive_id": arch["archiveId"], "archived": True})
    else:
        item["results_file_archive_id"] = arch["archiveId"]
    if shape == "broken":
        item["submit_time"] = "yesterday"
    table_of(table).put_item(Item=item)
    print(job_id, arch["archiveId"])


def deploy_retrieve(vault, archive, desc, topic):
    g = client("glacier")
    job = g.initiate_job(vaultName=vault, jobParameters={
        "Type": "archive-retrieval", "ArchiveId": archive, "Description": desc,
        "Tier": "Expedited"})
    for _ in range(600):
        if g.describe_job(vaultName=vault, jobId=job["jobId"])["Completed"]:
            break
        time.sleep(0.1)
    notice = {"Action": "ArchiveRetrieval", "ArchiveId": archive, "JobId": job["jobId"],
              "JobDescription": desc, "StatusCode": "Succeeded", "Completed": True,
              "Tier": "Expedited", "VaultARN": "arn:aws:glacier:%s:000000000000:vaults/%s"
              % (region, vault)}
    client("sns").publish(TopicArn=topic_arn(topic), Message=json.dumps(notice))
    print(job["jobId"])


def notice(topic, archive, desc):
    body = {"Action": "ArchiveRetrieval", "ArchiveId": archive, "JobId": "foreign-" + archive,
            "JobDescription": desc, "StatusCode": "Succeeded", "Completed": True}
    client("sns").publish(TopicArn=topic_arn(topic), Message=json.dumps(body))


def restore_elsewhere(table, job_id, bucket, key, path):
    client("s3").upload_file(path, bucket, key)
    table_of(table).update_item(Key={"job_id": job_id},
                                UpdateExpression="REMOVE results_file_archive_id")


def item_json(table, job_id):
    it = table_of(table).get_item(Key={"job_id": job_id}).get("Item")
    if not it:
        sys.exit(1)
    print(json.dumps(it, default=str, sort_keys=True))


def iam_user(name):
    iam = client("iam")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="all", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    k = iam.create_access_key(UserName=name)["AccessKey"]
    print(k["AccessKeyId"], k["SecretAccessKey"])


def secret(name, value):
    client("secretsmanager").create_secret(Name=name, SecretString=value)


def put_secret(name, value):
    client("secretsmanager").put_secret_value(SecretId=name, SecretString=value)


def ses_verify(email):
    client("ses").verify_email_identity(EmailAddress=email)


def ses_sent(source):
    """moto serialises every backend for data.json; while another request changes one it can
    answer 500: asked again, a few times, then the error is the tool's (exit 1, one line)."""
    import urllib.error
    import urllib.request
    for attempt in range(5):
        try:
            data = json.load(urllib.request.urlopen(ep + "/moto-api/data.json"))
            break
        except urllib.error.HTTPError as e:
            if attempt == 4:
                sys.exit("aws_tool ses-sent: moto's data.json: %s" % e)
            time.sleep(0.2)
    for m in data.get("ses", {}).get("Message", []):
        if m.get("source") == source:
            for to in m.get("destinations", {}).get("ToAddresses", []):
                print("%s\t%s" % (to, m.get("subject")))


def ses_event(topic, kind, message_id, job_id, address):
    """Publishes an SES notification to topic as SES does (identity notifications:
    notificationType; the job id as the SendEmail tag gas_job_id when not empty)."""
    mail = {"timestamp": "2026-11-30T09:00:00.000Z", "source": "gas@example.org",
            "sourceArn": "arn:aws:ses:us-east-1:123456789012:identity/gas@example.org",
            "sendingAccountId": "123456789012", "messageId": message_id,
            "destination": [address]}
    if job_id:
        mail["tags"] = {"ses:caller-identity": ["gas"], "gas_job_id": [job_id]}
    n = {"notificationType": kind, "mail": mail}
    if kind == "Bounce":
        n["bounce"] = {"bounceType": "Permanent", "bounceSubType": "General",
                       "bouncedRecipients": [{"emailAddress": address, "action": "failed",
                                              "status": "5.1.1",
                                              "diagnosticCode": "smtp; 550 5.1.1 user unknown"}],
                       "timestamp": "2026-11-30T09:00:01.000Z",
                       "feedbackId": "0100018c-feedback-000000",
                       "reportingMTA": "dsn; a8-30.smtp-out.amazonses.com"}
    elif kind == "Complaint":
        n["complaint"] = {"complainedRecipients": [{"emailAddress": address}],
                          "timestamp": "2026-11-30T09:00:01.000Z",
                          "feedbackId": "0100018c-feedback-000001",
                          "complaintFeedbackType": "abuse"}
    elif kind == "Delivery":
        n["delivery"] = {"timestamp": "2026-11-30T09:00:01.000Z", "recipients": [address],
                         "smtpResponse": "250 ok"}
    client("sns").publish(TopicArn=topic_arn(topic), Message=json.dumps(n))


def delayed_queue(name, delay):
    """a deployment's queue that delays every message (DelaySeconds)"""
    client("sqs").create_queue(QueueName=name, Attributes={"DelaySeconds": delay})


def deploy_queues(req, thaw, bucket):
    sqs = client("sqs")
    acct = client("sts").get_caller_identity()["Account"]
    arn = "arn:aws:sqs:%s:%s:%s" % (region, acct, req)
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "deployment-own", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": arn}]})
    url = sqs.create_queue(QueueName=req, Attributes={"VisibilityTimeout": "45",
                                                      "DelaySeconds": "3"})["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})  # moto: not on create
    errs = sqs.create_queue(QueueName=thaw + "_errors")["QueueUrl"]
    earn = sqs.get_queue_attributes(QueueUrl=errs, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    turl = sqs.create_queue(QueueName=thaw, Attributes={"RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": earn, "maxReceiveCount": "4"})})["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=turl, Attributes={"Policy": policy.replace(req, thaw)})
    client("s3").create_bucket(Bucket=bucket)


def queue_attrs(name):
    sqs = client("sqs")
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    print(json.dumps(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]))


def public_block(bucket):
    try:
        print(json.dumps(client("s3").get_public_access_block(Bucket=bucket)[
            "PublicAccessBlockConfiguration"]))
    except client("s3").exceptions.ClientError as e:
        if "NoSuchPublicAccessBlockConfiguration" in str(e):
            print("none")
        else:
            raise


def web_restore(topic, job_id, user, archive):
    """As a course web app's upgrade does it: one message per archived job to its thaw
    topic (which its thaw script read), JSON."""
    client("sns").publish(TopicArn=topic_arn(topic), Message=json.dumps({
        "job_id": job_id, "user_id": user, "results_file_archive_id": archive,
        "thaw_status": "STARTED"}))


def drop_table(table):
    """A table taken away (a deployment from before a table gasd needs was made)."""
    client("dynamodb").delete_table(TableName=table)


cmds = {"drop-table": drop_table, "submit": submit, "item": item, "exists": exists, "storage-class": storage_class,
        "legacy": legacy, "iam-user": iam_user, "deploy-table": deploy_table,
        "index-capacity": index_capacity,
        "deploy-submit": deploy_submit, "deploy-archived": deploy_archived,
        "deploy-retrieve": deploy_retrieve, "item-json": item_json, "notice": notice,
        "restore-elsewhere": restore_elsewhere,
        "secret": secret, "put-secret": put_secret, "ses-verify": ses_verify, "ses-sent": ses_sent,
        "ses-event": ses_event, "deploy-queues": deploy_queues,
        "delayed-queue": delayed_queue, "queue-attrs": queue_attrs,
        "public-block": public_block, "web-restore": web_restore}
if len(sys.argv) < 2 or sys.argv[1] not in cmds:
    sys.exit("usage: aws_tool.py " + "|".join(cmds) + " ...")
cmds[sys.argv[1]](*sys.argv[2:])

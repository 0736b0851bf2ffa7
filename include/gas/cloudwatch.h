/* cloudwatch: datapoints for Amazon CloudWatch (PutMetricData, query protocol, signed with
 * our SigV4 signer), so that an EC2 Auto Scaling group can track gasd's backlog per
 * instance. Only the aws backend has it. */
#ifndef GAS_CLOUDWATCH_H
#define GAS_CLOUDWATCH_H

struct gas_backend;

struct cw_datum {
    const char *name; /* MetricName */
    double value;
    const char *unit; /* "Count", "Count/Second", "None", ... */
};

/* Puts n datapoints (at most 20, now) into namespace ns, each with the one dimension
 * dim_name=dim_value. GAS_EUNSUPPORTED on a backend other than aws. */
int cw_put_metrics(struct gas_backend *be, const char *ns, const char *dim_name,
                   const char *dim_value, const struct cw_datum *d, int n);

#endif

/* aws cloudwatch: PutMetricData (query protocol, API version 2010-08-01). */
#include "aws.h"

#include "gas/cloudwatch.h"
#include "gas/err.h"
#include "gas/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CW_MAX_DATA 20

int cw_put_metrics(struct gas_backend *be, const char *ns, const char *dim_name,
                   const char *dim_value, const struct cw_datum *d, int n)
{
    if (!be || strcmp(be->name, "aws"))
        return gas_err_set(GAS_EUNSUPPORTED, "CloudWatch metrics need the aws backend");
    if (n < 1 || n > CW_MAX_DATA)
        return gas_err_set(GAS_EINVAL, "CloudWatch: %d datapoints (1..%d per request)", n,
                           CW_MAX_DATA);
    /* 4 fixed pairs + 5 per datum (name, value, unit, dimension name and value), NULL */
    const char *f[2 * (4 + 5 * CW_MAX_DATA) + 1];
    char keys[CW_MAX_DATA][5][64], vals[CW_MAX_DATA][32];
    int k = 0;
    f[k++] = "Action";
    f[k++] = "PutMetricData";
    f[k++] = "Version";
    f[k++] = "2010-08-01";
    f[k++] = "Namespace";
    f[k++] = ns;
    for (int i = 0; i < n; i++) {
        int m = i + 1;
        snprintf(keys[i][0], 64, "MetricData.member.%d.MetricName", m);
        snprintf(keys[i][1], 64, "MetricData.member.%d.Value", m);
        snprintf(keys[i][2], 64, "MetricData.member.%d.Unit", m);
        snprintf(keys[i][3], 64, "MetricData.member.%d.Dimensions.member.1.Name", m);
        snprintf(keys[i][4], 64, "MetricData.member.%d.Dimensions.member.1.Value", m);
        snprintf(vals[i], sizeof vals[i], "%.6g", d[i].value);
        const char *v[5] = {d[i].name, vals[i], d[i].unit ? d[i].unit : "None", dim_name,
                            dim_value};
        for (int j = 0; j < 5; j++) {
            f[k++] = keys[i][j];
            f[k++] = v[j];
        }
    }
    f[k] = NULL;
    int rc = aws_query(aws_of(be), "monitoring", f, NULL);
    return rc ? gas_err_wrap(rc, "cloudwatch PutMetricData") : 0;
}

'use strict';
/**
 * Stands in for the AWS CLI on a swarm node or Docker host of the
 * end-to-end run: SSM Parameter Store (`ssm put-parameter`, `ssm
 * get-parameter`) kept as files in $E2E_SSM_DIR, shared by the nodes as the
 * account's store would be; `autoscaling complete-lifecycle-action`
 * recorded; `autoscaling describe-auto-scaling-instances --instance-ids ...
 * --query "AutoScalingInstances[].[InstanceId,LifecycleState]" --output text`
 * answered from $E2E_AUTOSCALING, a JSON object of the run's instance ids and
 * their lifecycle states (an instance Auto Scaling no longer has is not in
 * it), refusing what AWS refuses; `secretsmanager get-secret-value --query SecretString
 * --output text` answered from $E2E_SECRETS, a JSON object of secret ARNs
 * and their SecretString, as the template stored them; and `cloudwatch
 * put-metric-data` checked as CloudWatch checks it (a namespace of its own,
 * at most 1,000 values, each with a name, a number, a known unit and at most
 * 30 dimensions with a name and a value) and recorded with its metric data
 * as `metricData`. Every call goes to $E2E_CALL_LOG as one JSON line without
 * parameter values, which hold join tokens, and without secret values, which
 * it never logs.
 */
const fs = require('node:fs');
const path = require('node:path');

const [service, action, ...rest] = process.argv.slice(2);
const options = {};
for (let i = 0; i < rest.length; i++) {
  if (!rest[i].startsWith('--')) continue;
  const next = rest[i + 1];
  if (next === undefined || next.startsWith('--')) options[rest[i].slice(2)] = true;
  else options[rest[i].slice(2)] = rest[++i];
}
// A value of file://PATH is read from that file, as the AWS CLI does (the nodes give tokens as file:///dev/stdin).
if (typeof options.value === 'string' && options.value.startsWith('file://')) {
  const source = options.value.slice('file://'.length);
  options.value = fs.readFileSync(source === '/dev/stdin' ? 0 : source, 'utf8');
}
const { value: _secret, ...recorded } = options;
// The metric data, read from file:// as the AWS CLI does; the CLI refuses text that is not JSON before it calls CloudWatch.
let metricData;
if (service === 'cloudwatch' && action === 'put-metric-data') {
  const given = typeof options['metric-data'] === 'string' ? options['metric-data'] : '';
  const text = given.startsWith('file://') ? fs.readFileSync(given === 'file:///dev/stdin' ? 0 : given.slice('file://'.length), 'utf8') : given;
  try {
    metricData = JSON.parse(text);
  } catch (error) {
    process.stderr.write(`\nError parsing parameter '--metric-data': Invalid JSON: ${error.message}\nJSON received: ${text}\n`);
    process.exit(252);
  }
}
fs.appendFileSync(process.env.E2E_CALL_LOG, `${JSON.stringify({ command: 'aws', service, action, options: recorded, ...(metricData === undefined ? {} : { metricData }) })}\n`);

const store = process.env.E2E_SSM_DIR;
const file = (name) => path.join(store, encodeURIComponent(name));
const fail = (code, message, operation = action) => {
  process.stderr.write(`An error occurred (${code}) when calling the ${operation} operation: ${message}\n`);
  process.exit(254);
};

/** Why CloudWatch would refuse the PutMetricData call, or undefined. */
function metricDataProblem(namespace, data) {
  const units = ['Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None'];
  if (typeof namespace !== 'string' || namespace === '' || namespace.startsWith('AWS/')) return `The value ${namespace} for parameter Namespace is not valid.`;
  if (!Array.isArray(data) || data.length === 0 || data.length > 1000) return 'The collection MetricData must contain from 1 to 1000 items.';
  for (const [i, datum] of data.entries()) {
    const at = `MetricData.member.${i + 1}`;
    if (typeof datum?.MetricName !== 'string' || datum.MetricName === '') return `The parameter ${at}.MetricName is required.`;
    if (typeof datum.Value !== 'number' || !Number.isFinite(datum.Value)) return `The parameter ${at}.Value must be a number.`;
    if (datum.Unit !== undefined && !units.includes(datum.Unit)) return `The value ${datum.Unit} for parameter ${at}.Unit is not valid.`;
    const dimensions = datum.Dimensions ?? [];
    if (!Array.isArray(dimensions) || dimensions.length > 30) return `The collection ${at}.Dimensions must contain from 0 to 30 items.`;
    for (const [j, dimension] of dimensions.entries()) {
      for (const key of ['Name', 'Value']) {
        const value = dimension?.[key];
        if (typeof value !== 'string' || value === '' || value.length > 255) return `The parameter ${at}.Dimensions.member.${j + 1}.${key} must be 1 to 255 characters.`;
      }
    }
  }
  return undefined;
}

if (service === 'ssm' && action === 'put-parameter') {
  try {
    fs.writeFileSync(file(options.name), JSON.stringify({ type: options.type, value: options.value }), { flag: options.overwrite ? 'w' : 'wx', mode: 0o600 });
  } catch (error) {
    if (error.code === 'EEXIST') fail('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
    throw error;
  }
  process.stdout.write('{"Version": 1, "Tier": "Standard"}\n');
} else if (service === 'ssm' && action === 'get-parameter') {
  if (!fs.existsSync(file(options.name))) fail('ParameterNotFound', '');
  const parameter = JSON.parse(fs.readFileSync(file(options.name), 'utf8'));
  if (parameter.type === 'SecureString' && !options['with-decryption']) fail('ValidationException', 'a SecureString read without --with-decryption is ciphertext');
  process.stdout.write(`${parameter.value}\n`);
} else if (service === 'autoscaling' && action === 'complete-lifecycle-action') {
  process.exit(0);
} else if (service === 'autoscaling' && action === 'describe-auto-scaling-instances') {
  describeAutoScalingInstances();
} else if (service === 'secretsmanager' && action === 'get-secret-value') {
  const secrets = JSON.parse(fs.readFileSync(process.env.E2E_SECRETS, 'utf8'));
  if (!Object.hasOwn(secrets, options['secret-id'])) fail('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  if (options.query !== 'SecretString' || options.output !== 'text') fail('InvalidParameterException', 'the stand-in answers only --query SecretString --output text');
  process.stdout.write(`${secrets[options['secret-id']]}\n`);
} else if (service === 'cloudwatch' && action === 'put-metric-data') {
  const problem = metricDataProblem(options.namespace, metricData);
  if (problem) fail('InvalidParameterValue', problem, 'PutMetricData');
} else {
  fail('InvalidAction', `the end-to-end stand-in knows no ${service} ${action}`);
}

/** The instances asked for that Auto Scaling has, as the CLI prints them with the one query the nodes use; unknown ids are left out, not refused. */
function describeAutoScalingInstances() {
  const at = rest.indexOf('--instance-ids');
  const ids = [];
  for (let i = at + 1; at >= 0 && i < rest.length && !rest[i].startsWith('--'); i++) ids.push(rest[i]);
  if (at >= 0 && ids.length === 0) {
    process.stderr.write('\naws: error: argument --instance-ids: expected at least one argument\n');
    process.exit(252);
  }
  if (ids.length > 50) fail('ValidationError', 'The number of instance ids that may be passed in is 50.');
  const wrong = ids.findIndex((id) => id.length < 1 || id.length > 19);
  if (wrong >= 0) {
    const bound = ids[wrong].length < 1 ? 'greater than or equal to 1' : 'less than or equal to 19';
    fail('ValidationError', `1 validation error detected: Value '${ids[wrong]}' at 'instanceIds.${wrong + 1}.member' failed to satisfy constraint: Member must have length ${bound}`);
  }
  if (options.query !== 'AutoScalingInstances[].[InstanceId,LifecycleState]' || options.output !== 'text') {
    fail('InvalidParameterValue', 'the stand-in answers only --query AutoScalingInstances[].[InstanceId,LifecycleState] --output text');
  }
  if (!process.env.E2E_AUTOSCALING) fail('AccessDenied', 'this end-to-end run keeps no Auto Scaling instances');
  const instances = JSON.parse(fs.readFileSync(process.env.E2E_AUTOSCALING, 'utf8'));
  const listed = at >= 0 ? ids.filter((id) => Object.hasOwn(instances, id)) : Object.keys(instances);
  process.stdout.write(listed.map((id) => `${id}\t${instances[id]}\n`).join(''));
}

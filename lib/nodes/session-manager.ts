/**
 * What the SSM agent needs for Session Manager, and for Run Command through
 * the same control channel (SSM Agent 3.3.40.0 and later, as on Amazon Linux
 * 2023), and no more: unlike AmazonSSMManagedInstanceCore, no
 * `ssm:GetParameter(s)` on every parameter, no documents, no associations.
 */
export const SESSION_MANAGER_ACTIONS: readonly string[] = [
  'ssm:UpdateInstanceInformation',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
];

#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CustomResourcesStack } from 'docker-host-dependencies';
import { readConfig } from '../app/config';
import { MemcachedAppStack } from '../app/memcached-app-stack';
import { MemcachedServiceStack } from '../app/memcached-service-stack';
import { MemcachedSwarmStack } from '../app/memcached-swarm-stack';
import { PaasStack } from '../app/paas-stack';
import { PaasSwarmStack } from '../app/paas-swarm-stack';

/**
 * The CDK app: the CustomResources stack for plain templates, and the
 * memcached-as-a-service example for the environment picked with `-c env=NAME`:
 * on one Docker host, or on a Docker swarm when the environment has `swarm`;
 * and its apps on a wildcard domain when the environment has a `paas` block,
 * on the swarm too when it has `swarm`.
 */
export function buildApp(app: App): App {
  const { environment: config, legacyFunctionNames } = readConfig(app.node);
  const env = config.account || config.region ? { account: config.account, region: config.region } : undefined;

  new CustomResourcesStack(app, 'CustomResources', { env, legacyFunctionNames });
  const serviceId = `MemcachedService-${config.name}`;
  const service = config.swarm
    ? new MemcachedSwarmStack(app, serviceId, { env, config: { ...config, swarm: config.swarm } })
    : new MemcachedServiceStack(app, serviceId, { env, config });
  if (config.app) {
    const appStack = new MemcachedAppStack(app, `MemcachedApp-${config.name}`, {
      env,
      config,
      app: config.app,
      datastoresStackName: config.datastoresStackName ?? service.stackName,
    });
    if (config.datastoresStackName === undefined) appStack.addStackDependency(service);
  }
  if (config.paas) {
    const paasId = `Paas-${config.name}`;
    if (config.swarm) new PaasSwarmStack(app, paasId, { env, config: { ...config, swarm: config.swarm }, paas: config.paas });
    else new PaasStack(app, paasId, { env, config, paas: config.paas });
  }

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

if (require.main === module) {
  buildApp(new App()).synth();
}

import { planHost, planScript, shellWords } from '../docker/script';

describe('planScript', () => {
  it('reads the docker run commands and base64-decoded env-files of a user data script', () => {
    // GIVEN a script as templates/docker-host.yaml renders it
    const envFile = Buffer.from("Greeting=Grüße 'quoted' $HOME\nAPP_ENV=e2e\n", 'utf8').toString('base64');
    const script = [
      'env_dir=/etc/docker-host',
      `base64 --decode > "$env_dir/app.env" <<< ${envFile}`,
      'docker run --detach \\',
      '  --name app --restart always --memory 96m \\',
      '  --publish 8080:80/tcp --publish 5353:53/udp \\',
      '  --env-file "$env_dir/app.env" \\',
      "  'e2e/memcached:local' memcached -m 64",
    ].join('\n');

    // WHEN
    const plan = planScript(script);

    // THEN
    expect(plan.dockerRuns).toEqual([
      {
        name: 'app',
        image: 'e2e/memcached:local',
        command: ['memcached', '-m', '64'],
        restart: 'always',
        memory: '96m',
        publish: ['8080:80/tcp', '5353:53/udp'],
        envFiles: ['/etc/docker-host/app.env'],
      },
    ]);
    expect(plan.files).toEqual([{ path: '/etc/docker-host/app.env', content: "Greeting=Grüße 'quoted' $HOME\nAPP_ENV=e2e\n" }]);
  });
});

describe('planHost', () => {
  it("reads the containers, env-files, secret env-file, logging, user and root filesystem of a Docker host's host file", () => {
    // GIVEN
    const host = {
      envFileDirectory: '/etc/docker-host',
      containers: [
        { name: 'memcached-alpha', image: 'e2e/memcached:local', command: ['memcached', '-m', '64'], restart: 'always', memoryMiB: 96, ports: [{ hostPort: 11211, containerPort: 11211, protocol: 'tcp' }] },
        { name: 'app', image: 'e2e/memcached:local', command: [], restart: 'unless-stopped', ports: [{ hostPort: 5353, containerPort: 53, protocol: 'udp' }], environmentFile: 'A=1\nB=$x', environment: { Z: '#z', C: "'c'" } },
        {
          name: 'vault',
          image: 'e2e/memcached:local',
          command: ['sleep', 'infinity'],
          restart: 'always',
          ports: [],
          secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:vault',
          logging: { driver: 'json-file', options: { 'max-size': '5m', 'max-file': '2' } },
          user: '65534:65534',
          readOnlyRootFilesystem: true,
        },
      ],
    };

    // WHEN
    const plan = planHost(host);

    // THEN
    expect(plan.dockerRuns).toEqual([
      { name: 'memcached-alpha', image: 'e2e/memcached:local', command: ['memcached', '-m', '64'], restart: 'always', memory: '96m', publish: ['11211:11211/tcp'], envFiles: [] },
      { name: 'app', image: 'e2e/memcached:local', command: [], restart: 'unless-stopped', memory: undefined, publish: ['5353:53/udp'], envFiles: ['/etc/docker-host/app.env'] },
      {
        name: 'vault',
        image: 'e2e/memcached:local',
        command: ['sleep', 'infinity'],
        restart: 'always',
        publish: [],
        envFiles: [],
        secretEnvFile: '/etc/docker-host/vault.secret.env',
        logging: { driver: 'json-file', options: { 'max-size': '5m', 'max-file': '2' } },
        user: '65534:65534',
        readOnlyRootFilesystem: true,
      },
    ]);
    expect(plan.files).toEqual([{ path: '/etc/docker-host/app.env', content: "A=1\nB=$x\nC='c'\nZ=#z\n" }]);
  });
});

describe('shellWords', () => {
  it.each([
    ['plain words', 'docker run --name app', ['docker', 'run', '--name', 'app']],
    ['single quotes, which keep everything', `echo 'a $b "c"'`, ['echo', 'a $b "c"']],
    ['double quotes, which expand variables', 'echo "$dir/app.env" "${dir}x"', ['echo', '/etc/x/app.env', '/etc/xx']],
    ['bare variables', 'echo $dir/$missing.', ['echo', '/etc/x/.']],
    ['a quote escaped out of single quotes', `echo 'it'\\''s'`, ['echo', "it's"]],
    ['backslashes in double quotes', 'echo "a\\"b\\$c"', ['echo', 'a"b$c']],
    ['a comment, which ends it', 'echo a # b c', ['echo', 'a']],
    ['empty quoted words', `echo '' ""`, ['echo', '', '']],
  ])('splits a line with %s', (_, line, words) => {
    // WHEN
    const split = shellWords(line, { dir: '/etc/x' });

    // THEN
    expect(split).toEqual(words);
  });
});

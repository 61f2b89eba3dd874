import { renderDockerHostScript } from '../../lib/docker-host-script';
import { planScript, shellWords } from '../docker/script';

describe('planScript', () => {
  it("reads the docker run commands and env-files of the Docker host's user data", () => {
    // GIVEN
    const script = renderDockerHostScript({
      envFileDirectory: '/etc/docker-host',
      stackName: 'App',
      resource: 'HostInstance',
      region: 'eu-west-1',
      containers: [
        {
          name: 'memcached-alpha',
          image: 'e2e/memcached:local',
          command: ['memcached', '-m', '64'],
          restart: 'always',
          memoryMiB: 96,
          ports: [{ hostPort: 11211, containerPort: 11211, protocol: 'tcp' }],
        },
        {
          name: 'app',
          image: 'e2e/memcached:local',
          command: [],
          restart: 'unless-stopped',
          ports: [
            { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
            { hostPort: 5353, containerPort: 53, protocol: 'udp' },
          ],
          envFile: "Greeting=Grüße 'quoted' $HOME\nAPP_ENV=e2e",
        },
      ],
    });

    // WHEN
    const plan = planScript(script);

    // THEN
    expect(plan.dockerRuns).toEqual([
      {
        name: 'memcached-alpha',
        image: 'e2e/memcached:local',
        command: ['memcached', '-m', '64'],
        restart: 'always',
        memory: '96m',
        publish: ['11211:11211/tcp'],
        envFiles: [],
      },
      {
        name: 'app',
        image: 'e2e/memcached:local',
        command: [],
        restart: 'unless-stopped',
        memory: undefined,
        publish: ['8080:80/tcp', '5353:53/udp'],
        envFiles: ['/etc/docker-host/app.env'],
      },
    ]);
    expect(plan.files).toEqual([{ path: '/etc/docker-host/app.env', content: "Greeting=Grüße 'quoted' $HOME\nAPP_ENV=e2e\n" }]);
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

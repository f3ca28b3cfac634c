// A fresh team database on the test Postgres (NEUROFLOW_TEST_PG_URL), migrated and given people by the product's own
// CLI (`neuroflow db migrate`, `neuroflow admin create-user`), for the team tests of the real window (tests/e2e) and
// of the browser preview (ui/e2e). Node built-ins only, so both packages can import it.
import { execFileSync } from 'node:child_process';
import net from 'node:net';

function required(name, hint) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: ${hint}`);
  return value;
}

/**
 * `cli`: the `neuroflow` binary. Returns the database's host, port and name, `person(email, role)` (makes the
 * person's login in organization "studio" and returns their password) and `connection(email)` (what the Team page
 * sends to sign in, plain text to this computer).
 */
export function teamDatabase(cli) {
  const url = new URL(required('NEUROFLOW_TEST_PG_URL', 'the team tests need a real Postgres (./scripts/test.sh starts one)'));
  const database = `nf_t_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(url.password) };
  const admin = `postgres://${url.username}@${url.hostname}:${url.port}`;
  execFileSync('psql', [`${admin}/postgres`, '-qtAc', `CREATE DATABASE ${database}`], { env });
  execFileSync(cli, ['db', 'migrate', '--database-url', `${admin}/${database}`], { env });
  const host = url.hostname;
  const port = Number(url.port);
  return {
    host,
    port,
    database,
    person: (email, role) => {
      const password = `pw of ${email}`;
      execFileSync(cli, ['admin', 'create-user', '--database-url', `${admin}/${database}`, '--email', email, '--org', 'studio', '--role', role, '--password-stdin'], {
        env,
        input: `${password}\n`,
      });
      return password;
    },
    connection: (email) => ({ host, port, database, tls: 'disable', caFile: null, allowUnencrypted: false, email }),
  };
}

/** A TCP relay to the team database on a fixed local port, which the test cuts and restores. */
export async function relayTo(host, port) {
  const sockets = new Set();
  let server = null;
  let listenPort = 0;
  const open = () =>
    new Promise((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(port, host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => {});
        }
        client.pipe(upstream);
        upstream.pipe(client);
      });
      server.once('error', reject);
      server.listen(listenPort, '127.0.0.1', () => {
        listenPort = server.address().port;
        resolve();
      });
    });
  await open();
  return {
    get port() {
      return listenPort;
    },
    /** The database "stops": no new connection, and every open one drops. */
    cut: async () => {
      await new Promise((resolve) => {
        server.close(resolve);
        for (const s of sockets) s.destroy();
      });
    },
    restore: open,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => (server.listening ? server.close(resolve) : resolve()));
    },
  };
}

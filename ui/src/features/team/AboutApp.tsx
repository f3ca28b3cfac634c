// Owns the "About this app" block of the Team page: the version, where this computer keeps the database and the log, and "Open logs folder".
import { useEffect, useState } from "react";
import { api, errorMessage, type AppInfo } from "../../ipc";

export function AboutApp() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api
      .appInfo()
      .then((i) => live && setInfo(i))
      .catch((e: unknown) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, []);
  const openLogs = async () => {
    setError(null);
    try {
      await api.appOpenLogsFolder();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <section className="team-card about-app" aria-labelledby="about-app-title" data-testid="about-app">
      <h2 id="about-app-title" className="team-card-title">
        About this app
      </h2>
      {info && (
        <dl className="about-facts">
          <dt>Version</dt>
          <dd data-testid="about-version">{info.version}</dd>
          <dt>Database</dt>
          <dd className="about-path">{info.databasePath}</dd>
          {info.logFolder && (
            <>
              <dt>Log</dt>
              <dd className="about-path" data-testid="about-log-folder">
                {info.logFolder}
              </dd>
            </>
          )}
        </dl>
      )}
      {info?.logFolder && (
        <button type="button" className="btn btn-sm" data-testid="open-logs" onClick={() => void openLogs()}>
          Open logs folder
        </button>
      )}
      {error && (
        <p className="sync-note is-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

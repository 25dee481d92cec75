// electron-updater's DebUpdater in plain Node, for tests: what Electron would give it (the app
// adapter, and an HTTP executor over Electron's `net`) made with Node's own parts, since the
// Electron binary cannot be downloaded here. Everything else — the feed, the provider, the
// staged rollout, the download and its sha512 check — is electron-updater's own code.
import {
  configureRequestOptions,
  configureRequestUrl,
  HttpExecutor,
  type DownloadOptions,
} from 'builder-util-runtime';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DebUpdater } from 'electron-updater';

export class NodeExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (r: IncomingMessage) => void): ClientRequest {
    return request(options, callback);
  }

  // The same steps as electron-updater's ElectronHttpExecutor.download, over Node's http.
  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(
        requestOptions,
        {
          destination,
          options,
          onCancel,
          callback: (error) => (error ? reject(error) : resolve(destination)),
          responseHandler: null,
        },
        0,
      );
    });
  }
}

/** A DebUpdater for app version `version`, its data in `dir`, reading the feed at `feedUrl`. */
export function nodeDebUpdater(version: string, dir: string, feedUrl: string): DebUpdater {
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'app-update.yml');
  writeFileSync(
    config,
    `provider: generic\nurl: ${feedUrl}\nupdaterCacheDirName: aether-updater\n`,
  );
  const app = {
    version,
    name: 'Aether',
    isPackaged: true,
    appUpdateConfigPath: config,
    userDataPath: dir,
    baseCachePath: join(dir, 'cache'),
    whenReady: async () => {},
    relaunch() {},
    quit() {},
    onQuit() {},
  };
  const updater = new DebUpdater(null, app);
  (updater as unknown as { httpExecutor: HttpExecutor<ClientRequest> }).httpExecutor =
    new NodeExecutor();
  updater.logger = null;
  return updater;
}

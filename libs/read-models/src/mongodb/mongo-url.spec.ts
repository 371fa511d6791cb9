/** MongoDB URLs: the database one names, and the URL with its secrets hidden. */
import { describe, expect, it } from '@jest/globals';
import { databaseNameFromUrl, redactUrl } from './mongo-url.js';

describe('connection strings', () => {
  it('finds the database named in the URL, if any', () => {
    expect(databaseNameFromUrl('mongodb://localhost:27017/ledger?replicaSet=rs0')).toBe('ledger');
    expect(databaseNameFromUrl('mongodb://u:p@h1:27017,h2:27017/ledger')).toBe('ledger');
    expect(databaseNameFromUrl('mongodb+srv://cluster.example.net/my%20db')).toBe('my db');
    expect(databaseNameFromUrl('mongodb://localhost:27017/?directConnection=true')).toBeNull();
    expect(databaseNameFromUrl('mongodb://localhost:27017')).toBeNull();
    expect(databaseNameFromUrl('mongodb://localhost/')).toBeNull();
  });

  it('redacts the password, keeping user, hosts, database and options', () => {
    expect(redactUrl('mongodb://ledger:s3cret@db1:27017,db2:27017/ledger?replicaSet=rs0')).toBe(
      'mongodb://ledger:***@db1:27017,db2:27017/ledger?replicaSet=rs0',
    );
    expect(redactUrl('mongodb+srv://ledger:p%40ss@cluster.example.net/')).toBe(
      'mongodb+srv://ledger:***@cluster.example.net/',
    );
    expect(redactUrl('mongodb://localhost:27017/?directConnection=true')).toBe(
      'mongodb://localhost:27017/?directConnection=true',
    );
    expect(redactUrl('mongodb://onlyuser@localhost/')).toBe('mongodb://onlyuser@localhost/');
  });

  it('hides a password even when it carries unescaped @ or /', () => {
    const redacted = redactUrl('mongodb://u:pa@ss/wo@rd@localhost:27017/db');
    expect(redacted).toBe('mongodb://u:***@localhost:27017/db');
    expect(redacted).not.toMatch(/pa|wo|rd@/);
  });

  it('redacts secret-looking query parameters', () => {
    expect(
      redactUrl(
        'mongodb://h/?tlsCertificateKeyFilePassword=abc&authMechanismProperties=AWS_SESSION_TOKEN:xyz&appName=ledger',
      ),
    ).toBe('mongodb://h/?tlsCertificateKeyFilePassword=***&authMechanismProperties=***&appName=ledger');
  });
});

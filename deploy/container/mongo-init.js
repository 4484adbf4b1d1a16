// Makes the three mongod a replica set and gives coordination a user of its own; run by
// mongosh as the root user against mongodb-0 (compose: the mongodb-init service; Kubernetes:
// the mongodb-init Job). Safe to run again: what is already done is left as it is.
// Coordination's store (services/coordination/src/store/mongo-coordination.store.ts) uses no
// transactions; the replica set is there so that the read models survive the loss of a node.

const replicaSet = 'rs0';
const members = ['mongodb-0.mongodb:27017', 'mongodb-1.mongodb:27017', 'mongodb-2.mongodb:27017'];
const appUser = 'lienganh';
const appPassword = process.env.LIENGANH_MONGO_PASSWORD;
if (!appPassword) throw new Error('LIENGANH_MONGO_PASSWORD is not set');

function initiated() {
  try {
    rs.status();
    return true;
  } catch (error) {
    if (error.codeName === 'NotYetInitialized') return false;
    throw error;
  }
}

if (initiated()) {
  print(`replica set ${replicaSet} already initiated`);
} else {
  // mongodb-0 is preferred as primary, so that this script can go on against it.
  rs.initiate({ _id: replicaSet, members: members.map((host, index) => ({ _id: index, host, priority: index === 0 ? 2 : 1 })) });
  print(`replica set ${replicaSet} initiated: ${members.join(', ')}`);
}

for (let attempt = 1; !db.hello().isWritablePrimary; attempt++) {
  if (attempt > 120) throw new Error('mongodb-0 did not become primary within 2 minutes');
  sleep(1000);
}

const admin = db.getSiblingDB('admin');
if (admin.getUser(appUser)) {
  // Running it again with a new LIENGANH_MONGO_PASSWORD is how that password is rotated.
  admin.updateUser(appUser, { pwd: appPassword });
  print(`user ${appUser} exists; password set to LIENGANH_MONGO_PASSWORD`);
} else {
  admin.createUser({ user: appUser, pwd: appPassword, roles: [{ role: 'readWrite', db: 'lienganh' }] });
  print(`user ${appUser} created (readWrite on the lienganh database)`);
}

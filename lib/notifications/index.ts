/** Notifications, for any use case: build a `Notification` and call the `Notify` the worker wires in. */
export { PublishUncertainError, type Notification, type Notifier } from './notifier';
export { createNotify, notifyOnce, type Notify } from './notify-once';

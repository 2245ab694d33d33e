/**
 * Node-local, off-heap tables persisted in the data folder: accounts, devices and presence, each written by one
 * ring stage and read by others.
 */
package dev.switchboard.state;

// Train-twotower trains the two-tower retrieval model (TODO manual).
package main

export * from './certificate-dependency';
export * from './dependency';
export * from './dependency-function';
export * from './elasticache-dependency';
export * from './image-dependency';
export * from './route53-dependency';
export * from './stack-dependency';
export * from './vpc-dependency';

import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { contract } from '../../contracts/certificate-dependency/contract';
import { compilePattern, PatternError } from '../../contracts/certificate-dependency/pattern';
import { PropError } from '../errors';
import { childOwner, Dependency, requireText, type DependencyProps } from './dependency';

/** Properties of a `CertificateDependency`. */
export interface CertificateDependencyProps extends DependencyProps {
  /**
   * Regular expression matched against the whole name of an IAM server
   * certificate, in linear time: a pattern known at synth time that uses
   * what only a backtracking engine can do (backreferences, lookaround) is
   * refused at synth, as the lookup would refuse it. Give this or `domainName`.
   *
   * @default - an ACM certificate is looked up by `domainName`
   */
  readonly certificateName?: string;
  /**
   * An issued ACM certificate for this domain (exact or wildcard). Give this or `certificateName`.
   *
   * @default - an IAM server certificate is looked up by `certificateName`
   */
  readonly domainName?: string;
  /**
   * The ACM region, such as `us-east-1` for CloudFront. Only with `domainName`.
   *
   * @default - the stack's region
   */
  readonly region?: string;
}

/** Which kind of certificate a `CertificateDependency` finds. */
export enum CertificateKind {
  /** An ACM certificate, found by `domainName`. */
  ACM = 'acm',
  /** An IAM server certificate, found by a pattern of `certificateName`. */
  IAM = 'iam',
}

/**
 * Looks up a certificate at deploy time: an ACM certificate by domain name,
 * or an IAM server certificate by a pattern of its name. Among several
 * matches the one that expires last wins.
 *
 * @example
 * const certificate = new CertificateDependency(this, 'Certificate', { domainName: 'www.example.com' });
 * listener.addCertificates('Default', [certificate.toCertificate()]);
 */
export class CertificateDependency extends Dependency {
  /** Which kind of certificate the lookup finds. */
  public readonly kind: CertificateKind;
  private certificate?: acm.ICertificate;

  constructor(scope: Construct, id: string, props: CertificateDependencyProps) {
    const owner = childOwner(contract.id, scope, id);
    if ((props.certificateName === undefined) === (props.domainName === undefined)) {
      throw new PropError(
        owner,
        'certificateName, domainName',
        `give exactly one of them: certificateName for an IAM server certificate, domainName for an ACM certificate; got ${props.domainName === undefined ? 'neither' : 'both'}`,
      );
    }
    if (props.certificateName !== undefined && !Token.isUnresolved(props.certificateName)) {
      requireText(owner, 'certificateName', props.certificateName);
      try {
        compilePattern(props.certificateName);
      } catch (error) {
        if (!(error instanceof PatternError)) throw error;
        throw new PropError(owner, 'certificateName', `${JSON.stringify(props.certificateName)} ${error.problem}; ${error.fix}`, { cause: error });
      }
    }
    if (props.region !== undefined && props.domainName === undefined) {
      throw new PropError(owner, 'region', 'applies only to ACM certificates, which are found by domainName; leave it out for an IAM server certificate');
    }
    super(
      scope,
      id,
      contract.resourceType,
      { CertificateName: props.certificateName, DomainName: props.domainName, Region: props.region },
      props,
    );
    this.kind = props.domainName === undefined ? CertificateKind.IAM : CertificateKind.ACM;
  }

  /** The certificate's ARN. */
  public get arn(): string {
    return this.attribute('Arn');
  }

  /** IAM: the server certificate's path. */
  public get path(): string {
    return this.iamAttribute('path', 'Path');
  }

  /** IAM: the server certificate's name. */
  public get serverCertificateName(): string {
    return this.iamAttribute('serverCertificateName', 'ServerCertificateName');
  }

  /** IAM: the server certificate's id. */
  public get serverCertificateId(): string {
    return this.iamAttribute('serverCertificateId', 'ServerCertificateId');
  }

  /** IAM: when the server certificate was uploaded, ISO 8601. */
  public get uploadDate(): string {
    return this.iamAttribute('uploadDate', 'UploadDate');
  }

  /** IAM: when the server certificate expires, ISO 8601. */
  public get expiration(): string {
    return this.iamAttribute('expiration', 'Expiration');
  }

  /** ACM: the certificate's domain name. */
  public get domainName(): string {
    return this.acmAttribute('domainName', 'DomainName');
  }

  /** ACM: always `ISSUED`: other certificates do not count. */
  public get status(): string {
    return this.acmAttribute('status', 'Status');
  }

  /** ACM: when the certificate expires, ISO 8601. */
  public get notAfter(): string {
    return this.acmAttribute('notAfter', 'NotAfter');
  }

  /** ACM: `AMAZON_ISSUED`, `IMPORTED` or `PRIVATE`. */
  public get certificateType(): string {
    return this.acmAttribute('certificateType', 'Type');
  }

  /** ACM: such as `RSA_2048` or `EC_prime256v1`. */
  public get keyAlgorithm(): string {
    return this.acmAttribute('keyAlgorithm', 'KeyAlgorithm');
  }

  /** ACM: the subject alternative names, comma-separated. */
  public get subjectAlternativeNames(): string {
    return this.acmAttribute('subjectAlternativeNames', 'SubjectAlternativeNames');
  }

  /** The ACM certificate as an `ICertificate`, for load balancers and CloudFront. */
  public toCertificate(): acm.ICertificate {
    this.certificate ??= acm.Certificate.fromCertificateArn(this, 'Certificate', this.acmAttribute('toCertificate()', 'Arn'));
    return this.certificate;
  }

  /** The IAM server certificate's attribute `name`, which `member` reads. */
  private iamAttribute(member: string, name: string): string {
    if (this.kind !== CertificateKind.IAM) {
      throw new PropError(
        this.owner,
        member,
        `${name} is an attribute of IAM server certificates, but this lookup finds an ACM certificate by domainName; find one by certificateName to read it`,
      );
    }
    return this.attribute(name);
  }

  /** The ACM certificate's attribute `name`, which `member` reads. */
  private acmAttribute(member: string, name: string): string {
    if (this.kind !== CertificateKind.ACM) {
      throw new PropError(
        this.owner,
        member,
        `${name} is an attribute of ACM certificates, but this lookup finds an IAM server certificate by certificateName; find one by domainName to read it`,
      );
    }
    return this.attribute(name);
  }
}
